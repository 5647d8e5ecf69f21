"""The one error lrsched raises for what a user asked for, and its few kinds.

Every error names what is at fault, ``param``: the option or argument as the code spells it
(``step_size``, ``expr``), or None when no one option is. The command line turns each into a
usage error on that option in one place (`lrsched_cli.cli.boundary`); nothing below the command
line knows about exit codes or typer. Standard library only, so every layer may raise them.
"""


class LrschedError(ValueError):
    """What the user asked for cannot be done: ``message`` says why, ``param`` names the option."""

    def __init__(self, param: str | None, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


class ScheduleError(LrschedError):
    """A schedule's parameter is out of range (``param`` is the schedule's own name for it)."""


class BeyondEnd(ScheduleError):
    """Asked for a step past the last one the schedule defines (PyTorch's OneCycleLR raises there).

    ``rows`` is how many steps, from t = 0 on the schedule's own clock, it does define. The plan
    asks for the last row before any is written, so the user gets a usage error on --epochs,
    never half a table.
    """

    def __init__(self, rows: int, message: str) -> None:
        super().__init__("epochs", message)
        self.rows = rows


class RateError(LrschedError):
    """A schedule produced a rate that is not a finite number (an overflow) at ``row``."""

    def __init__(self, row: int, rate: float) -> None:
        message = f"the rate at row {row} is {rate}, not a finite number"
        super().__init__(None, f"{message}; choose parameters that keep the rate finite")
        self.row = row


class InputError(LrschedError):
    """A file the user named cannot be read, or does not hold what the option needs.

    The message names the file and the line; a reader that does not know which option named
    the file gives None, and the caller that does puts it on with `named`.
    """

    def named(self, param: str) -> "InputError":
        """The same error, on the option that named the file."""
        return InputError(param, self.message)


class DialectError(LrschedError):
    """A constructor call lrsched cannot reproduce, or one the framework itself would reject.

    ``argument`` names the offending argument in the framework's spelling (``T_max``), or is None
    when the whole call is at fault. The option at fault is the call itself (``expr``), or
    ``--lr`` when the call needs the optimizer's rate.
    """

    def __init__(self, argument: str | None, message: str) -> None:
        if argument == "--lr":
            super().__init__("lr", message)
        else:
            super().__init__("expr", f"{argument}: {message}" if argument else message)
        self.argument = argument


class EmitError(LrschedError):
    """The framework cannot reproduce this schedule's rows exactly; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__("emit", message)
