"""``lrsched NAME``: one command per registry entry, derived from the entry alone.

Its options are the factory's parameters (help from `PARAMS`), the shaping options and the
delivery options; its help is the factory's docstring and the entry's examples. The command
returns the rows to deliver, or prints the --emit code.
"""

import inspect
import math
import sys
import typing
from collections.abc import Callable, Iterable, Mapping
from itertools import count
from pathlib import Path
from typing import Annotated, Any

import typer

from lrsched_cli.cli.boundary import Runner
from lrsched_cli.cli.options import (
    DELIVERY,
    SHAPING,
    bounded,
    epochs_option,
    finite,
    flag,
    zero_unsigned,
)
from lrsched_cli.errors import EmitError, InputError, LrschedError
from lrsched_cli.inputs import excerpt
from lrsched_cli.output import Format, Series
from lrsched_cli.output.deliver import Delivery, Rows
from lrsched_cli.output.destination import destination
from lrsched_cli.plan import Plan, plan
from lrsched_cli.registry import LARGEST, PARAMS, SCHEDULES, Entry, loader_options

if typing.TYPE_CHECKING:
    from lrsched_cli.check.diagnose import Planner


def _schedule_option(entry: Entry, parameter: inspect.Parameter) -> inspect.Parameter:
    """The Typer option for one factory parameter: its type, default and PARAMS help."""
    annotation, default = parameter.annotation, parameter.default
    help_text = entry.help(parameter.name)
    if parameter.name == entry.length:
        annotation, default = int | None, None
        help_text += " [default: the rows, minus warmup]"
    elif PARAMS[parameter.name].one_epoch and default is not inspect.Parameter.empty:
        annotation, default = annotation | None, None
        help_text += " [default: one epoch]"
    elif parameter.name == entry.from_warmup:
        annotation, default = annotation | None, None
        help_text += f" [default: the warmup length, else {parameter.default}]"
    base = _strip_optional(annotation)
    extra: dict[str, Any] = {}
    if base is float:
        extra["click_type"] = finite()
    elif base is int:
        extra["click_type"] = bounded()
    cli_type: Any = annotation
    if typing.get_origin(base) is tuple:  # typed as the comma list the user writes
        cli_type = str
        if isinstance(default, tuple):
            default = ",".join(map(str, default))
    if PARAMS[parameter.name].loader:  # the user names a file; _from_cli reads it
        cli_type, extra["metavar"] = str, "FILE"
    option = typer.Option(flag(parameter.name), help=help_text, **extra)
    return parameter.replace(
        kind=inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[cli_type, option],
        default=default,
    )


def _epochs(entry: Entry, parameter: inspect.Parameter) -> inspect.Parameter:
    """--epochs, its help saying what this command's default row count is."""
    return parameter.replace(annotation=epochs_option(entry.rows_help))


def _strip_optional(annotation: Any) -> Any:
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return args[0] if len(args) == 1 and type(None) in typing.get_args(annotation) else annotation


def _from_cli(entry: Entry, values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn option values into factory arguments: files are read, comma lists become tuples."""
    converted = dict(values)
    for parameter in entry.parameters():
        base = _strip_optional(parameter.annotation)
        value = values.get(parameter.name)
        loader = PARAMS[parameter.name].loader
        if loader:
            options = {option.name: converted.pop(option.name) for option in loader_options(loader)}
            converted[parameter.name] = load(parameter.name, str(value), loader, options)
        elif typing.get_origin(base) is tuple and isinstance(value, str):
            item = typing.get_args(base)[0]
            converted[parameter.name] = parse_list(parameter.name, value, item)
    return converted


def load(param: str, path: str, loader: Callable[..., Any], options: Mapping[str, Any]) -> Any:
    """Read a parameter's value from the file named by its option ('-': stdin), as a usage error
    naming the file and line when that fails."""
    try:
        if path == "-":
            return loader(sys.stdin, "<stdin>", **options)
        with open(path, encoding="utf-8", newline="") as lines:
            return loader(lines, path, **options)
    except OSError as error:
        raise LrschedError(param, f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise LrschedError(param, f"cannot read {path}: not UTF-8 text") from None
    except InputError as error:
        raise error.named(param) from None


def parse_list(param: str, text: str, item: Callable[[str], Any]) -> tuple[Any, ...]:
    """``"30,80"`` -> ``(30, 80)``, naming the option and the bad item on error."""
    try:
        values = tuple(item(part) for part in text.split(",")) if text.strip() else ()
    except ValueError:
        kind = "integers" if item is int else "numbers"
        raise LrschedError(param, f"must be a comma-separated list of {kind}, got {excerpt(text)}") from None
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        raise LrschedError(param, f"must hold finite numbers only, got {excerpt(text)}")
    if any(isinstance(v, int) and abs(v) > LARGEST for v in values):
        raise LrschedError(param, f"must hold integers of at most {LARGEST}, got {excerpt(text)}")
    return tuple(zero_unsigned(v) if isinstance(v, float) else v for v in values)


def schedule_command(entry: Entry) -> Callable[..., Rows | None]:
    """Build the function Typer turns into ``lrsched NAME``, from the registry entry alone: it
    returns the rows to deliver (or prints the --emit code, and returns nothing)."""
    own = [_schedule_option(entry, p) for p in entry.parameters() + entry.loader_options()]

    def command(**options: Any) -> Rows | None:
        delivery = Delivery(**{p.name: options.pop(p.name) for p in DELIVERY})
        shaping = {p.name: options.pop(p.name) for p in SHAPING}
        emit_to = shaping.pop("emit_to")
        if emit_to is not None:
            emit_alone(delivery)
        if delivery.checking:
            delivery.checks()  # parsed now: a malformed --expect fails before any work
        ready = plan(entry, _from_cli(entry, options), **shaping)
        if emit_to is not None:
            print_expression(entry, ready, emit_to, delivery.output)
            return None
        rates: Iterable[float] = map(ready.schedule, range(ready.rows))
        series = Series(entry.name, ready.params, rates, shaping["steps_per_epoch"], length=ready.rows)
        planner = _planner(entry, options, shaping, ready) if delivery.check_run else None
        return Rows(series, delivery, notes=ready.notes, planner=planner)

    shaping = [_epochs(entry, p) if p.name == "epochs" else p for p in SHAPING]
    command.__signature__ = inspect.Signature(own + shaping + DELIVERY)  # type: ignore[attr-defined]
    command.__name__ = entry.name.replace("-", "_")
    return command


def _planner(entry: Entry, options: Mapping[str, Any], shaping: Mapping[str, Any], ready: Plan) -> "Planner":
    """For ``--check-run``'s diagnosis: the schedule again, past its rows (it is a function of
    the step), or with another length (the entry's length parameter)."""
    from lrsched_cli.check.diagnose import Change, Planner

    def rates(change: Change) -> Iterable[float]:
        if change.length is None:
            return map(ready.schedule, count())
        values = _from_cli(entry, {**options, entry.length: change.length})  # type: ignore[dict-item]
        return map(plan(entry, values, **shaping).schedule, count())

    def say(change: Change) -> str:
        return f"{flag(entry.length)} {change.length}" if entry.length else "as planned"

    current = Change(length=ready.params.get(entry.length)) if entry.length else Change()
    changes = frozenset({"length"} if entry.length else ())
    return Planner(rates, say, changes, current, shaping["steps_per_epoch"], ready.rows)


def emit_alone(delivery: Delivery) -> None:
    """Refuse the delivery options --emit would ignore: it prints code, not rows."""
    if delivery.checking:
        raise LrschedError("emit", "prints code, --expect and --check check rows: give one or the other")
    if delivery.format not in (None, Format.blog) or delivery.log_y:
        raise LrschedError("emit", "prints one line of code: --format and --log-y do not apply to it")


def print_expression(entry: Entry, ready: Plan, framework: str, output: Path | None) -> None:
    """``--emit``: the framework's expression instead of the rows, on one line for ``$(...)``;
    ``--emit lrsched``: the command line with every resolved parameter."""
    from lrsched_cli.frameworks.canonical import command_line
    from lrsched_cli.frameworks.emitters import emitted

    try:
        code = command_line(entry, ready) if framework == "lrsched" else emitted(entry, ready, framework)[0]
    except EmitError as error:
        message = f"{framework} cannot reproduce this {entry.name} schedule exactly: {error}"
        raise LrschedError("emit", message) from None
    with destination(output) as stream:
        stream.write(code + "\n")


def _help(entry: Entry) -> tuple[str, str]:
    """The command's help (its docstring, formula blocks kept as written) and examples epilog."""
    paragraphs = entry.doc.split("\n\n")
    kept = [("\b\n" + p) if p.startswith("    ") else p for p in paragraphs]
    epilog = "\b\nExamples:\n" + "\n".join(f"  {example}" for example in entry.examples)
    return "\n\n".join(kept), epilog


def add_schedule(app: typer.Typer, entry: Entry, run: Runner) -> None:
    """Add ``lrsched NAME`` for the entry, run as ``run`` says (delivering its rows, or returning them)."""
    help_text, epilog = _help(entry)
    command = run(schedule_command(entry), {})
    app.command(entry.name, help=help_text, short_help=entry.summary, epilog=epilog)(command)


def list_schedules() -> None:
    """List every schedule with its formula."""
    width = max(len(name) for name in SCHEDULES)
    with destination(None, option=None) as out:  # a closed or full stdout is an error, as for rows
        out.write("".join(f"{name:<{width}}  {entry.formula}\n" for name, entry in SCHEDULES.items()))
