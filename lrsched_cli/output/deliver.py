"""Delivering a series: write it in a format (to stdout or atomically to a file), or check it.

A command that prints rows returns them as `Rows`; the command line delivers them here, so
formats, checks and --output behave the same everywhere. Problems are `LrschedError`s (usage
errors at the command line's edge); a failed check is the report `deliver` returns.
"""

from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from lrsched_cli.errors import LrschedError
from lrsched_cli.output import FIGURES, FILE_ONLY, WRITERS, Format, Series, chunks, format_for, write_figure
from lrsched_cli.output.destination import destination, is_stdout
from lrsched_cli.output.series import decimals, labels
from lrsched_cli.records import Record

if TYPE_CHECKING:
    from lrsched_cli.check import Checks
    from lrsched_cli.check.diagnose import Planner


class Delivery(Record):
    """How rows are delivered: the values of the delivery options every row-printing command
    takes (declared here once; the command line adds their flags and help).

    A `Record`, as every record a plain run creates: defining one costs microseconds at each
    start, a NamedTuple about 0.1 ms, a frozen dataclass 0.4 ms (`lrsched_cli.records`).
    """

    format: Format | None = None
    """None: from --output's extension (`SUFFIXES`), else blog."""
    precision: int | None = None
    """None: 6 decimals, more for small rates (`series.decimals`); 6 significant digits in captions."""
    expect: list[str] | None = None
    check: str | None = None
    check_run: str | None = None
    tag: str | None = None
    tol: float | None = None
    rtol: float | None = None
    log_y: bool = False
    output: Path | None = None

    @property
    def checking(self) -> bool:
        checks = (self.check, self.check_run, self.tag)  # --tag alone: checks() refuses it
        return bool(self.expect) or any(option is not None for option in checks)

    def checks(self) -> "Checks":
        """The checks ``--expect/--check/--check-run/--tol/--rtol`` ask for; a malformed one is
        an `LrschedError`, so commands that check call this before computing anything."""
        from lrsched_cli.check import Checks, Tolerance, parse_expectation

        if self.tag is not None and self.check_run is None:
            raise LrschedError(
                "tag", f"names a series of --check-run's log: give --check-run, got --tag {self.tag}"
            )
        expectations = tuple(parse_expectation(text) for text in self.expect or ())
        tolerance = Tolerance(self.tol, self.rtol)
        return Checks(expectations, self.check, tolerance, run_log=self.check_run, tag=self.tag)


class Rows(Record):
    """What a command that prints rows returns: the series, how to deliver it, and the notes
    to show on stderr once it is delivered."""

    series: Series
    delivery: Delivery
    notes: Sequence[str] = ()
    planner: "Planner | None" = None
    """How to compute the rows again with a change, for ``--check-run``'s diagnosis."""


def deliver(series: Series, delivery: Delivery, planner: "Planner | None" = None) -> tuple[str, list[str]]:
    """Write the series in a format, or check it when checks are asked for.

    Output goes to stdout, or atomically to the ``output`` file. Rates that overflow, a missing
    image library or an unwritable file raise `LrschedError` and leave no file behind. Returns
    the report of the checks that failed ("" when none did, or none were asked for), and the
    lines of those that passed and say what they read (``--check-run``).
    """
    if delivery.checking:
        return verify(series, delivery.checks(), planner)
    write(series, delivery)
    return "", []


def write(series: Series, delivery: Delivery) -> None:
    """Write through the format's writer, or draw its figure; to stdout or the ``output`` file."""
    fmt, precision = format_for(delivery.format, delivery.output, Format.blog), delivery.precision
    check_output_options(fmt, log_y=delivery.log_y, output=delivery.output)
    with destination(delivery.output) as stream:
        if fmt in FIGURES:
            from lrsched_cli.output.figure import Look, title_of  # only figures need it

            look = Look(precision=decimals(precision, ()), log_y=delivery.log_y, title=title_of(series))
            write_figure(stream, fmt, [(series.schedule, series)], look)
        else:
            WRITERS[fmt](stream, series, precision)


def check_output_options(fmt: Format, *, log_y: bool, output: Path | None) -> None:
    """Refuse --log-y without a figure, and an image format without a file (shared with compare)."""
    if fmt in FILE_ONLY and is_stdout(output):
        message = f"must name a file with --format {fmt}: an image goes to a file, not stdout"
        raise LrschedError("output", message)
    if log_y and fmt not in FIGURES:
        raise LrschedError("log_y", f"applies to --format plot, png and svg, not to --format {fmt}")


def verify(series: Series, checks: "Checks", planner: "Planner | None" = None) -> tuple[str, list[str]]:
    """Nothing on stdout: the report of the failed checks ("" when every check passes), and
    what the passing ones read."""
    from lrsched_cli.check import run

    def first(rows: int | None) -> Iterable[tuple[range, list[float]]]:
        return chunks(series if rows is None else series._replace(rates=islice(series.rates, rows)))

    per_step = labels(series)[-1] == "step"  # what a row is: its last label
    verdict = run(
        checks,
        first,
        length=series.length,
        schedule=series.schedule,
        params=series.params,
        per_step=per_step,
        planner=planner,
    )
    return "".join(report.render() for report in verdict.failed), verdict.passed
