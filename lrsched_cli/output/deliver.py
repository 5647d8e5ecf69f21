"""Delivering a series: write it in a format (to stdout or atomically to a file), or check it.

Every command that prints rows ends here, so formats, checks and --output behave the same
everywhere; `compare` uses `capturing` to collect the series its SPECs' commands deliver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from lrsched_cli.cli.options import usage_error
from lrsched_cli.errors import LrschedError
from lrsched_cli.output import FIGURES, FILE_ONLY, WRITERS, Format, RateError, Series, chunks, write_figure
from lrsched_cli.output.destination import destination, is_stdout

if TYPE_CHECKING:
    from lrsched_cli.check import Checks


@dataclass(frozen=True)
class Delivery:
    """The values of the delivery options (`lrsched_cli.options.delivery_options`)."""

    format: Format = Format.blog
    precision: int = 6
    expect: list[str] | None = None
    check: str | None = None
    tol: float | None = None
    rtol: float | None = None
    log_y: bool = False
    output: Path | None = None

    @property
    def checking(self) -> bool:
        return bool(self.expect) or self.check is not None

    @cached_property
    def checks(self) -> Checks:
        """The checks ``--expect/--check/--tol/--rtol`` ask for, parsed once; a malformed one is
        a usage error, so commands read this before computing anything."""
        from lrsched_cli.check import Checks, Tolerance, parse_expectation

        try:
            expectations = tuple(parse_expectation(text) for text in self.expect or ())
        except LrschedError as error:
            usage_error(error.param, error.message)
        return Checks(expectations, self.check, Tolerance(self.tol, self.rtol))


_CAPTURED: ContextVar[list[Series] | None] = ContextVar("lrsched_captured", default=None)


@contextmanager
def capturing() -> Iterator[list[Series]]:
    """Within the block, `deliver` collects the series instead of writing them (for ``compare``)."""
    captured: list[Series] = []
    token = _CAPTURED.set(captured)
    try:
        yield captured
    finally:
        _CAPTURED.reset(token)


def deliver(series: Series, delivery: Delivery) -> None:
    """Write the series in a format, or check it when checks are asked for (exit 1 on failure).

    Output goes to stdout, or atomically to the ``output`` file. Rates that overflow,
    a missing image library or an unwritable file become usage errors, and leave no file behind.
    """
    captured = _CAPTURED.get()
    if captured is not None:
        captured.append(series)
        return
    try:
        if delivery.checking:
            verify(series, delivery.checks)
        else:
            write(series, delivery)
    except RateError as error:
        message = error.message
        raise typer.BadParameter(message) from None
    except LrschedError as error:
        usage_error(error.param, error.message)


def write(series: Series, delivery: Delivery) -> None:
    """Write through the format's writer, or draw its figure; to stdout or the ``output`` file."""
    fmt, precision = delivery.format, delivery.precision
    check_output_options(fmt, log_y=delivery.log_y, output=delivery.output)
    with destination(delivery.output) as stream:
        if fmt in FIGURES:
            from lrsched_cli.output.figure import Look, title_of  # only figures need it

            look = Look(precision=precision, log_y=delivery.log_y, title=title_of(series))
            write_figure(stream, fmt, [(series.schedule, series)], look)
        else:
            WRITERS[fmt](stream, series, precision)


def check_output_options(fmt: Format, *, log_y: bool, output: Path | None) -> None:
    """Refuse --log-y without a figure, and an image format without a file (shared with compare)."""
    if fmt in FILE_ONLY and is_stdout(output):
        usage_error("output", f"must name a file with --format {fmt}: an image goes to a file, not stdout")
    if log_y and fmt not in FIGURES:
        usage_error("log_y", f"applies to --format plot, png and svg, not to --format {fmt}")


def verify(series: Series, checks: Checks) -> None:
    """Nothing on stdout: on success exit 0, on failure a report on stderr and exit 1."""
    from lrsched_cli.check import run

    per_step = series.steps_per_epoch is not None
    try:
        failed = run(
            checks, chunks(series), schedule=series.schedule, params=series.params, per_step=per_step
        )
    except LrschedError as error:
        usage_error(error.param, error.message)
    if failed:
        typer.echo("".join(report.render() for report in failed), err=True, nl=False)
        raise typer.Exit(1)
