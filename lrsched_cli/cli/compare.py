"""``lrsched compare SPEC SPEC ...``: several schedules side by side, rows aligned by number.

Each SPEC is one schedule command line as a single string (``"step --lr 0.1 --step-size 10"``,
``'from "OneCycleLR(opt, max_lr=0.1, total_steps=30)"'``). It is split with shlex and parsed
by that very command, built alone as ``lrsched SPEC`` would build it but returning its rows
instead of delivering them (the app hands compare that builder), so its options, defaults,
validation and errors are the command's own. Nothing about a schedule is parsed twice.

The writers stream: the series advance together a chunk at a time, so memory stays flat.
"""

from __future__ import annotations

import inspect
import math
import shlex
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Annotated, Any, NoReturn

import typer

from lrsched_cli.cli.boundary import guarded
from lrsched_cli.cli.options import FORMAT_HELP, LogY, Output, Precision, Rtol, Tol, rows_option
from lrsched_cli.errors import LrschedError
from lrsched_cli.output import FIGURES, SUFFIXES, Format, RateError, Series, format_for, write_figure
from lrsched_cli.output.aligned import WRITERS, Aligned
from lrsched_cli.output.deliver import Rows, check_output_options
from lrsched_cli.output.destination import destination
from lrsched_cli.output.figure import Look
from lrsched_cli.output.series import decimals
from lrsched_cli.registry import SCHEDULES

HELP = """Show several schedules side by side, rows aligned by number.

Each SPEC is one schedule command line, quoted as a single argument: what you would type after
`lrsched`. Output options (--format, --output, ...) belong to compare, not to a SPEC; a
schedule shorter than the others leaves blanks (an empty CSV cell, a JSON null). The first
column is the epoch, or the step when every SPEC's rows are optimizer steps (a framework
stepped per update), else the row.

With --expect or --check, compare checks its columns instead of writing them, as a single
schedule does: exit 0 when they match, 1 and a report on stderr when not.
"""

EPILOG = """\b
Examples:
  lrsched compare "step --lr 0.1 --step-size 10" "cosine --lr 0.1 --min-lr 0.001"
  lrsched compare "cosine --lr 0.1 --warmup 5" 'from "OneCycleLR(opt, max_lr=0.1, total_steps=30)"' -f csv
  lrsched compare "cosine --lr 0.1" "cosine --lr 0.1 --warmup 5" --label plain --label warmup -f json
  lrsched compare "cosine --lr 0.1" "cosine --lr 0.1 --warmup 5" -l plain -l warmup --expect warmup:6=0.1
"""

RowCount = Annotated[
    int | None,
    rows_option(
        "Rows to show, the same for every SPEC [default: each SPEC's own; the longest sets the table's]."
    ),
]

NOT_IN_A_SPEC = {
    "format": "give --format to compare, not to a SPEC",
    "precision": "give --precision to compare, not to a SPEC",
    "output": "give --output to compare, not to a SPEC",
    "log_y": "give --log-y to compare, not to a SPEC",
    "emit_to": "compare shows rates, not framework code",
    "expect": "give --expect to compare, as LABEL:ROW=RATE",
    "check": "give --check to compare, with a file compare wrote",
    "tol": "give --tol to compare, not to a SPEC",
    "rtol": "give --rtol to compare, not to a SPEC",
    "steps_per_epoch": "compare aligns rows by epoch, so a SPEC cannot have a row per optimizer step",
    "check_run": "check a run's log with the SPEC's own command (lrsched SPEC --check-run LOG)",
    "tag": "it names a series of --check-run's log, which the SPEC's own command checks",
}
"""Options a SPEC's command has that make no sense inside compare, and why."""


def _guarded(position: int, spec: str, rates: Iterable[float]) -> Iterator[float]:
    """The rates; a failure part-way (an overflow, a framework error) is a usage error naming the SPEC."""
    row = 0
    try:
        for row, lr in enumerate(rates, 1):
            if not math.isfinite(lr):
                raise RateError(row, lr)
            yield lr
    except RateError as error:
        bad_spec(position, spec, error.message)
    except ValueError as error:  # a dialect failing part-way, e.g. a lambda dividing by zero
        bad_spec(position, spec, f"at row {row + 1}: {error}")


def bad_spec(position: int, spec: str, why: str) -> NoReturn:
    raise typer.BadParameter(why, param_hint=f"SPEC {position} {spec!r}")


SpecCommand = Callable[[list[str]], Any]
"""Builds the command ``lrsched ARGV`` runs (a Click command object) returning its `Rows`."""


def series_for(position: int, spec: str, epochs: int | None, spec_command: SpecCommand) -> Series:
    """The series ``lrsched SPEC`` would write, parsed and resolved by that command itself."""
    try:
        argv = shlex.split(spec)
    except ValueError as error:
        bad_spec(position, spec, f"cannot split it into arguments: {error}")
    if not argv or not (argv[0] in SCHEDULES or argv[0] == "from"):
        known = ", ".join([*SCHEDULES, "from"])
        bad_spec(position, spec, f"it must start with a schedule command ({known})")
    if {"-h", "--help", "--version"} & set(argv):
        bad_spec(position, spec, "a SPEC cannot ask for help; try lrsched " + argv[0] + " --help")
    name, args = argv[0], argv[1:] + (["--epochs", str(epochs)] if epochs is not None else [])
    command = spec_command(argv)
    with _naming(position, spec):
        context = command.make_context(name, args)
    given = [p for p in NOT_IN_A_SPEC if _typed(context.get_parameter_source(p))]
    if given:
        typed = next(p.opts[0] for p in command.params if p.name == given[0])  # --emit for emit_to
        bad_spec(position, spec, f"{typed}: {NOT_IN_A_SPEC[given[0]]}")
    with _naming(position, spec), context:
        rows = command.invoke(context)
    if not isinstance(rows, Rows):
        bad_spec(position, spec, "it does not produce a schedule")
    series: Series = rows.series
    return series._replace(rates=_guarded(position, spec, series.rates))


def _typed(source: Any) -> bool:
    """Whether Click's ParameterSource says the SPEC gave the option (not a default, not absent)."""
    return source is not None and source.name == "COMMANDLINE"


@contextmanager
def _naming(position: int, spec: str) -> Iterator[None]:
    """Turn the command's own usage error into one that names the SPEC, keeping its message."""
    try:
        yield
    except typer.TyperException as error:  # Click's usage errors, as Typer exports their base
        bad_spec(position, spec, error.format_message())


def compared(
    specs: Sequence[str], labels: Sequence[str] | None, epochs: int | None, spec_command: SpecCommand
) -> Aligned:
    if len(specs) < 2:
        raise typer.BadParameter(f"compare needs at least two, got {len(specs)}", param_hint="SPEC")
    if labels and len(labels) != len(specs):
        raise LrschedError(
            "label", f"give one per SPEC ({len(specs)}), got {len(labels)}: {', '.join(labels)}"
        )
    names = list(labels or specs)
    series = [series_for(position, spec, epochs, spec_command) for position, spec in enumerate(specs, 1)]
    aligned = Aligned(specs, names, series)
    for name in names:
        if name == aligned.unit or names.count(name) > 1:
            why = "is the row label's column" if name == aligned.unit else "is given to two SPECs"
            message = f"each must be unique and not {aligned.unit!r}: {name!r} {why}; use --label"
            raise LrschedError("label", message)
    return aligned


# The command.

Specs = Annotated[
    list[str],
    typer.Argument(metavar="SPEC...", help="Schedule command lines, each quoted.", show_default=False),
]
CompareExpect = Annotated[
    list[str] | None,
    typer.Option(
        "--expect",
        metavar="LABEL:ROW=RATE",
        help="Check instead of writing: the column LABEL (its --label, else its SPEC; or the SPEC's "
        "position, 1 for the first) has rate RATE at row ROW, to half a unit in its last digit "
        "(repeatable; exit 1 if not).",
        show_default=False,
    ),
]
CompareCheck = Annotated[
    str | None,
    typer.Option(
        "--check",
        metavar="FILE",
        help="Check instead of writing: every column must equal FILE's, CSV, JSON or JSON Lines that "
        "compare wrote, blanks past a schedule's end included ('-' for stdin; exit 1 if not).",
        show_default=False,
    ),
]
Labels = Annotated[
    list[str] | None,
    typer.Option(
        "--label", "-l", help="Name for a SPEC's column, one per SPEC in order.", show_default=False
    ),
]


def compare_command(
    specs: Specs,
    label: Labels = None,
    epochs: RowCount = None,
    format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help=FORMAT_HELP.format(
                which=": any but blog, which is one schedule's",
                suffixes=" ".join(SUFFIXES),
                default=Format.table,
            ),
            show_default=False,
        ),
    ] = None,
    precision: Precision = None,
    expect: CompareExpect = None,
    check: CompareCheck = None,
    tol: Tol = None,
    rtol: Rtol = None,
    log_y: LogY = False,
    output: Output = None,
    *,
    spec_command: SpecCommand,
) -> None:
    if expect or check is not None:
        report = checked(compared(specs, label, epochs, spec_command), expect or [], check, tol, rtol)
        if report:
            typer.echo(report, err=True, nl=False)
            raise typer.Exit(1)
        return
    format = format_for(format, output, Format.table)
    if format not in WRITERS and format not in FIGURES:
        formats = ", ".join([*WRITERS, *FIGURES])
        raise LrschedError("format", f"must be one of {formats} for compare, got {format.value!r}")
    check_output_options(format, log_y=log_y, output=output)
    result = compared(specs, label, epochs, spec_command)
    with destination(output) as stream:
        if format in FIGURES:
            curves = list(zip(result.labels, result.series))
            write_figure(stream, format, curves, Look(precision=decimals(precision, ()), log_y=log_y))
        else:
            WRITERS[format](stream, result, precision)


def checked(
    result: Aligned, expect: list[str], check: str | None, tol: float | None, rtol: float | None
) -> str:
    """Check compare's columns instead of writing them: the report of the failed checks, ""
    when every check passes. A malformed expectation is refused before any row is computed."""
    from lrsched_cli.check.checkers import Tolerance
    from lrsched_cli.check.columns import Column, ColumnChecks, parse_column_expectation, run

    expectations = tuple(parse_column_expectation(text, result.labels) for text in expect)
    checks = ColumnChecks(expectations, check, Tolerance(tol, rtol))
    columns = [
        Column(label, s.schedule, s.params, s.length) for label, s in zip(result.labels, result.series)
    ]

    def rows(stops: Sequence[int] | None) -> Iterator[tuple[range, list[tuple[float | None, ...]]]]:
        if stops is None:
            return result.rows()
        series = [s._replace(rates=islice(s.rates, stop)) for s, stop in zip(result.series, stops)]
        return Aligned(result.specs, result.labels, series).rows()

    failed = run(checks, columns, result.unit, rows)
    return "".join(report.render() for report in failed)


def add_compare(app: typer.Typer, spec_command: SpecCommand) -> None:
    """Add ``lrsched compare``, running each SPEC through ``spec_command``."""

    def command(**options: Any) -> None:
        compare_command(**options, spec_command=spec_command)

    signature = inspect.signature(compare_command, eval_str=True)
    options = [p for p in signature.parameters.values() if p.name != "spec_command"]
    command.__signature__ = signature.replace(parameters=options)  # type: ignore[attr-defined]
    app.command("compare", help=HELP, short_help="Several schedules side by side.", epilog=EPILOG)(
        guarded(command)
    )
