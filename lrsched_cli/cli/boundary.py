"""The one edge where an lrsched error becomes a usage error, and where returned rows are delivered.

Below the command line, code raises `LrschedError` naming the option at fault in snake_case;
here it becomes Typer's usage error on that option (exit 2, one message on stderr, nothing on
stdout). Commands return their `Rows`; `delivering` is how the app runs a command: it writes
or checks what the command returned. ``compare`` runs a SPEC's command through `guarded` alone,
and so is handed the rows instead.
"""

import functools
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

import typer

from lrsched_cli.cli.options import flag
from lrsched_cli.errors import LrschedError
from lrsched_cli.output.deliver import Rows, deliver

Result = TypeVar("Result")


Arguments = Mapping[str, str] | None
"""A command's positional arguments by name, each with the metavar its usage line shows."""

Runner = Callable[[Callable[..., Any], Mapping[str, str]], Callable[..., Any]]
"""How the app runs a command: `delivering` (write its rows) or `guarded` (hand them back, for
compare); given the command and its arguments' metavars."""


def usage_error(param: str | None, message: str, arguments: Arguments = None) -> NoReturn:
    """Typer's usage error on ``param``: an argument by its metavar, an option by its flag."""
    if param is None:
        raise typer.BadParameter(message)
    shown = (arguments or {}).get(param) or flag(param)
    raise typer.BadParameter(message, param_hint=f"'{shown}'")  # quoted, as Typer's own


def guarded(
    command: Callable[..., Result], arguments: Mapping[str, str] | None = None
) -> Callable[..., Result]:
    """The command, with every `LrschedError` it raises turned into a usage error.

    ``arguments`` maps the command's positional arguments to their metavars (``expr`` ->
    ``EXPR``), so that an error on one names it as the usage line does.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Result:
        try:
            return command(*args, **kwargs)
        except LrschedError as error:
            usage_error(error.param, error.message, arguments)

    return run


def delivering(
    command: Callable[..., Rows | None], arguments: Mapping[str, str] | None = None
) -> Callable[..., None]:
    """The command as the app runs it: the rows it returns written or checked (exit 1 when a
    check fails, its report on stderr), then its notes on stderr."""

    def run(*args: Any, **kwargs: Any) -> None:
        rows = command(*args, **kwargs)
        if rows is None:
            return
        failed, passed = deliver(rows.series, rows.delivery, rows.planner)
        if failed:
            typer.echo(failed, err=True, nl=False)
            raise typer.Exit(1)
        for line in passed:
            typer.echo(line, err=True)
        for note in rows.notes:
            typer.echo(f"note: {note}", err=True)

    functools.update_wrapper(run, command)
    return guarded(run, arguments)
