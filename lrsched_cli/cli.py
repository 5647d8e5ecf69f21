"""The command line: a thin client of the registry, the math and the writers.

Only this module imports typer. Every schedule command is derived from its registry entry;
only the command being run is built (the whole tree only for help, `list` and completion),
which keeps start-up close to a bare Typer import.
"""

from __future__ import annotations

import inspect
import math
import os
import sys
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from lrsched_cli import __version__
from lrsched_cli.emit import Framework
from lrsched_cli.figure import Look, title_of
from lrsched_cli.inputs import InputError
from lrsched_cli.output import OptionError, destination, is_stdout
from lrsched_cli.registry import PARAMS, SCHEDULES, Entry, Plan, loader_options, plan
from lrsched_cli.render import FIGURES, FILE_ONLY, WRITERS, Format, RateError, Series, chunks, write_figure
from lrsched_cli.schedules import ScheduleError

if TYPE_CHECKING:
    from lrsched_cli.check import Checks

HELP = """See, epoch by epoch, the learning rate your training run will use.

\b
Examples:
  lrsched step --lr 0.1 --step-size 10
  lrsched cosine --lr 0.1 --min-lr 0.001 -f csv
  lrsched list
"""


def flag(name: str) -> str:
    """The command-line spelling of a snake_case parameter: the one place names are converted."""
    return "--" + name.replace("_", "-")


def usage_error(param: str, message: str) -> NoReturn:
    raise typer.BadParameter(message, param_hint=f"'{flag(param)}'")  # quoted, as Typer's own


def _finite(value: float | None) -> float | None:
    """Typer accepts nan, inf and 1e309 as floats; lrsched refuses them everywhere."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"must be a finite number, got {value}")
    return value


# Options every schedule command shares, declared once.
Epochs = Annotated[
    int | None,
    typer.Option(
        "--epochs",
        "-n",
        min=0,
        help="Rows to show [default: the schedule's natural length, else 30].",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
Precision = Annotated[
    int,
    typer.Option(min=0, max=17, help="Decimals in blog and table output; significant digits in captions."),
]
Warmup = Annotated[int, typer.Option(min=0, help="Epochs of linear warmup before the schedule starts.")]
WarmupStartLr = Annotated[
    float,
    typer.Option(callback=_finite, help="Rate the warmup starts from, ramping to the schedule's first."),
]
StepsPerEpoch = Annotated[
    int | None,
    typer.Option(min=1, help="Show one row per optimizer step, K per epoch; durations stay in epochs."),
]
Expect = Annotated[
    list[str] | None,
    typer.Option(
        metavar="ROW=RATE",
        help="Check instead of writing: row ROW must have rate RATE, to half a unit in its last "
        "digit (repeatable; exit 1 if not).",
        show_default=False,
    ),
]
CheckFile = Annotated[
    str | None,
    typer.Option(
        "--check",
        metavar="FILE",
        help="Check instead of writing: the rows must equal FILE, CSV, JSON or JSON Lines that "
        "lrsched wrote ('-' for stdin; exit 1 if not).",
        show_default=False,
    ),
]
Tol = Annotated[
    float | None,
    typer.Option(
        min=0, callback=_finite, help="Absolute tolerance for --expect and --check.", show_default=False
    ),
]
Rtol = Annotated[
    float | None,
    typer.Option(
        min=0, callback=_finite, help="Relative tolerance for --expect and --check.", show_default=False
    ),
]
LogY = Annotated[
    bool,
    typer.Option("--log-y", help="Draw the rate on a log axis (plot, png, svg); rates <= 0 are left out."),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file ('-': stdout); it is replaced only when complete."
    ),
]

EmitTo = Annotated[
    Framework | None,
    typer.Option(
        "--emit",
        help="Print instead one Python expression building this schedule in FRAMEWORK, with the same "
        "rates (exit 2 if it cannot); torch, hf and timm scale an `optimizer` built with lr=--lr.",
        show_default=False,
    ),
]


def common_options(
    epochs: Epochs = None,
    format: FormatOption = Format.blog,
    precision: Precision = 6,
    warmup: Warmup = 0,
    warmup_start_lr: WarmupStartLr = 0.0,
    steps_per_epoch: StepsPerEpoch = None,
    expect: Expect = None,
    check: CheckFile = None,
    tol: Tol = None,
    rtol: Rtol = None,
    log_y: LogY = False,
    output: Output = None,
    emit_to: EmitTo = None,
) -> None:
    """Never called: its signature declares the shared options, once."""


COMMON = [
    p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
    for p in inspect.signature(common_options, eval_str=True).parameters.values()
]


def _schedule_option(entry: Entry, parameter: inspect.Parameter) -> inspect.Parameter:
    """The Typer option for one factory parameter: its type, default and PARAMS help."""
    annotation, default = parameter.annotation, parameter.default
    help_text = PARAMS[parameter.name].help
    if parameter.name == entry.length:
        annotation, default = int | None, None
        help_text += " [default: the rows, minus warmup]"
    elif parameter.name == entry.from_warmup:
        annotation, default = annotation | None, None
        help_text += f" [default: the warmup length, else {parameter.default}]"
    base = _strip_optional(annotation)
    extra: dict[str, Any] = {}
    if base is float:
        extra["callback"] = _finite
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
        usage_error(param, f"cannot read {path}: {error.strerror or error}")
    except UnicodeDecodeError:
        usage_error(param, f"cannot read {path}: not UTF-8 text")
    except InputError as error:
        usage_error(param, str(error))


def parse_list(param: str, text: str, item: Callable[[str], Any]) -> tuple[Any, ...]:
    """``"30,80"`` -> ``(30, 80)``, naming the option and the bad item on error."""
    try:
        values = tuple(item(part) for part in text.split(",")) if text.strip() else ()
    except ValueError:
        kind = "integers" if item is int else "numbers"
        usage_error(param, f"must be a comma-separated list of {kind}, got {text!r}")
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        usage_error(param, f"must hold finite numbers only, got {text!r}")
    return values


def checks_from(expect: list[str] | None, check: str | None, tol: float | None, rtol: float | None) -> Checks:
    """The checks ``--expect/--check/--tol/--rtol`` ask for; a malformed one is a usage error."""
    from lrsched_cli.check import CheckError, Checks, Tolerance, parse_expectation

    try:
        expectations = tuple(parse_expectation(text) for text in expect or ())
    except CheckError as error:
        usage_error(error.param, error.message)
    return Checks(expectations, check, Tolerance(tol, rtol))


_CAPTURED: ContextVar[list[Series] | None] = ContextVar("lrsched_captured", default=None)


@contextmanager
def capturing() -> Iterator[list[Series]]:
    """Within the block, `emit` collects the series instead of writing them (for ``compare``)."""
    captured: list[Series] = []
    token = _CAPTURED.set(captured)
    try:
        yield captured
    finally:
        _CAPTURED.reset(token)


def emit(
    series: Series,
    fmt: Format,
    precision: int,
    out: typing.TextIO | None = None,
    checks: Checks | None = None,
    *,
    log_y: bool = False,
    output: Path | None = None,
) -> None:
    """Write the series in a format, or check it when checks are asked for (exit 1 on failure).

    Output goes to ``out`` (stdout), or atomically to the ``output`` file. Rates that overflow,
    a missing image library or an unwritable file become usage errors, and leave no file behind.
    """
    captured = _CAPTURED.get()
    if captured is not None:
        captured.append(series)
        return
    try:
        if checks is not None and checks.wanted:
            verify(series, checks)
        else:
            write(series, fmt, precision, out, log_y=log_y, output=output)
    except RateError as error:
        message = f"{error}; choose parameters that keep the rate finite"
        raise typer.BadParameter(message) from None
    except OptionError as error:
        usage_error(error.param, error.message)


def write(
    series: Series,
    fmt: Format,
    precision: int,
    out: typing.TextIO | None,
    *,
    log_y: bool,
    output: Path | None,
) -> None:
    """Write through the format's writer, or draw its figure; to ``out`` or the ``output`` file."""
    check_output_options(fmt, log_y=log_y, output=output)
    with destination(output) as stream:
        target = out if out is not None and is_stdout(output) else stream
        if fmt in FIGURES:
            look = Look(precision=precision, log_y=log_y, title=title_of(series))
            write_figure(target, fmt, [(series.schedule, series)], look)
        else:
            WRITERS[fmt](target, series, precision)


def check_output_options(fmt: Format, *, log_y: bool, output: Path | None) -> None:
    """Refuse --log-y without a figure, and an image format without a file (shared with compare)."""
    if fmt in FILE_ONLY and is_stdout(output):
        usage_error("output", f"must name a file with --format {fmt}: an image goes to a file, not stdout")
    if log_y and fmt not in FIGURES:
        usage_error("log_y", f"applies to --format plot, png and svg, not to --format {fmt}")


def verify(series: Series, checks: Checks) -> None:
    """Nothing on stdout: on success exit 0, on failure a report on stderr and exit 1."""
    from lrsched_cli.check import CheckError, run

    per_step = series.steps_per_epoch is not None
    try:
        failed = run(
            checks, chunks(series), schedule=series.schedule, params=series.params, per_step=per_step
        )
    except CheckError as error:
        usage_error(error.param, error.message)
    if failed:
        typer.echo("".join(report.render() for report in failed), err=True, nl=False)
        raise typer.Exit(1)


def schedule_command(entry: Entry) -> Callable[..., None]:
    """Build the function Typer turns into ``lrsched NAME``, from the registry entry alone."""
    own = [_schedule_option(entry, p) for p in entry.parameters() + entry.loader_options()]

    def command(
        *,
        epochs: int | None,
        format: Format,
        precision: int,
        warmup: int,
        warmup_start_lr: float,
        steps_per_epoch: int | None,
        expect: list[str] | None,
        check: str | None,
        tol: float | None,
        rtol: float | None,
        log_y: bool,
        output: Path | None,
        emit_to: Framework | None,
        **values: Any,
    ) -> None:
        checks = checks_from(expect, check, tol, rtol)
        try:
            ready = plan(
                entry,
                _from_cli(entry, values),
                epochs=epochs,
                warmup=warmup,
                warmup_start_lr=warmup_start_lr,
                steps_per_epoch=steps_per_epoch,
            )
        except ScheduleError as error:
            usage_error(error.param, error.message)
        if emit_to is not None:
            if checks.wanted:
                usage_error("emit", "prints code, --expect and --check check rows: give one or the other")
            return print_expression(entry, ready, emit_to, output)
        rates: Iterable[float] = map(ready.schedule, range(ready.rows))
        series = Series(entry.name, ready.params, rates, steps_per_epoch)
        emit(series, format, precision, checks=checks, log_y=log_y, output=output)

    command.__signature__ = inspect.Signature(own + COMMON)  # type: ignore[attr-defined]
    command.__name__ = entry.name.replace("-", "_")
    return command


def print_expression(entry: Entry, ready: Plan, framework: Framework, output: Path | None) -> None:
    """``--emit``: the framework's expression instead of the rows, on one line for ``$(...)``."""
    from lrsched_cli.emit.emitters import EmitError, expression

    try:
        code = expression(entry, ready, framework)
    except EmitError as error:
        usage_error("emit", f"{framework} cannot reproduce this {entry.name} schedule exactly: {error}")
    try:
        with destination(output) as stream:
            stream.write(code + "\n")
    except OptionError as error:
        usage_error(error.param, error.message)


def _help(entry: Entry) -> tuple[str, str]:
    """The command's help (its docstring, formula blocks kept as written) and examples epilog."""
    paragraphs = entry.doc.split("\n\n")
    kept = [("\b\n" + p) if p.startswith("    ") else p for p in paragraphs]
    epilog = "\b\nExamples:\n" + "\n".join(f"  {example}" for example in entry.examples)
    return "\n\n".join(kept), epilog


def add_schedule(app: typer.Typer, entry: Entry) -> None:
    help_text, epilog = _help(entry)
    app.command(entry.name, help=help_text, short_help=entry.summary, epilog=epilog)(schedule_command(entry))


def list_schedules() -> None:
    """List every schedule with its formula."""
    width = max(len(name) for name in SCHEDULES)
    for name, entry in SCHEDULES.items():
        typer.echo(f"{name:<{width}}  {entry.formula}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lrsched {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    pass


def add_list(app: typer.Typer) -> None:
    app.command("list", help=list_schedules.__doc__)(list_schedules)


def add_from(app: typer.Typer) -> None:
    from lrsched_cli.cli_from import add_from  # the dialects load only for `lrsched from`

    add_from(app)


def add_compare(app: typer.Typer) -> None:
    from lrsched_cli.compare import add_compare

    add_compare(app)


EXTRA_COMMANDS: dict[str, Callable[[typer.Typer], None]] = {
    "list": add_list,
    "from": add_from,
    "compare": add_compare,
}
"""Commands that are not schedules, by name, each with the function that adds it to an app."""


def app_for(argv: list[str]) -> typer.Typer:
    """The app with just the command argv invokes, or every command when that is not clear."""
    app = typer.Typer(
        name="lrsched",
        help=HELP,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    wanted = argv[0] if argv and not _completing() else None
    if wanted in SCHEDULES:
        add_schedule(app, SCHEDULES[wanted])
    elif wanted in EXTRA_COMMANDS:
        EXTRA_COMMANDS[wanted](app)
    else:
        for entry in SCHEDULES.values():
            add_schedule(app, entry)
        for add in EXTRA_COMMANDS.values():
            add(app)
    return app


def _completing() -> bool:
    return "_LRSCHED_COMPLETE" in os.environ


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app_for(args)(args=args, prog_name="lrsched")
