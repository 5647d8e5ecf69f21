"""compare's checks: ``--expect LABEL:ROW=RATE`` and ``--check FILE``, each column against its
SPEC's rows, in the same streaming, the same tolerances and the same reports as one schedule's
(`checkers`).

- ``--expect LABEL:ROW=RATE``: the column labelled LABEL (its ``--label``, else the SPEC's
  text; or the SPEC's position, 1 for the first, when no column has that label) has rate RATE
  at row ROW. The label is what comes before the last ``:`` before the ``=``, so a label may
  hold both. Rows are computed only up to the last one a column's expectations need, and a
  column's rows only when it has some; a row past a column's end is a usage error.
- ``--check FILE``: FILE, as compare wrote it, holds the same columns with the same cells: every
  rate exactly (or within ``--tol``/``--rtol``), a blank (an empty CSV cell, a JSON null) where a
  schedule has ended, the same row count and row label, and, for JSON, each column's schedule
  and parameters. A report counts cells and lists them as ``LABEL:ROW``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from lrsched_cli.check.checkers import (
    SHOWN,
    Expectation,
    ExpectChecker,
    Report,
    Tolerance,
    expect_rule,
    param_differences,
    parse_expectation,
)
from lrsched_cli.check.columns_recorded import Cells, RecordedColumns, read_columns
from lrsched_cli.check.recorded import open_text
from lrsched_cli.errors import InputError, LrschedError

FORM = "LABEL:ROW=RATE, e.g. cosine:10=0.079595 (LABEL: a column's label, or its SPEC's position)"


@dataclass(frozen=True)
class Column:
    """One of compare's columns, as a check needs it."""

    label: str
    schedule: str
    params: Mapping[str, Any]
    length: int | None
    """Its rows, when known before computing them."""


@dataclass(frozen=True)
class ColumnChecks:
    """What the user asked to check instead of writing compare's columns."""

    expectations: tuple[tuple[int, Expectation], ...]
    """(column index, expectation) for each ``--expect``."""
    file: str | None
    tolerance: Tolerance


def parse_column_expectation(text: str, labels: Sequence[str]) -> tuple[int, Expectation]:
    """``"cosine:10=0.079595"`` -> (the index of the column labelled ``cosine``, row 10's
    expectation); a label no column has, or a malformed expectation, is a `LrschedError`."""
    head, equals, rate = text.rpartition("=")
    label, colon, row = head.rpartition(":")
    if not equals or not colon:
        raise LrschedError("expect", f"must be {FORM}, got {text!r}")
    expectation = parse_expectation(f"{row}={rate}", written=text, form=FORM)
    if label in labels:
        return labels.index(label), expectation
    if label.isdigit() and 1 <= int(label) <= len(labels):
        return int(label) - 1, expectation
    known = ", ".join(repr(known) for known in labels)
    message = f"no column is labelled {label!r} (in {text!r}): the labels are {known}"
    raise LrschedError("expect", f"{message}, or a SPEC's position, 1 to {len(labels)}")


Chunks = Callable[[Sequence[int] | None], Iterable[tuple[range, list[Cells]]]]
"""compare's rows a chunk at a time, as (row numbers, cells in column order, None past a
column's end): of each column only its first N rows when given N per column, else all."""


def run(checks: ColumnChecks, columns: Sequence[Column], unit: str, chunks: Chunks) -> list[Report]:
    """Feed compare's rows, a chunk at a time, to every check asked for; return the failed ones."""
    try:
        return _run(checks, columns, unit, chunks)
    except InputError as error:
        raise error.named("check") from None


def _run(checks: ColumnChecks, columns: Sequence[Column], unit: str, chunks: Chunks) -> list[Report]:
    grouped: dict[int, list[Expectation]] = {}
    for index, expectation in checks.expectations:
        grouped.setdefault(index, []).append(expectation)
    expects = {
        index: ExpectChecker(found, checks.tolerance, columns[index].length, column=columns[index].label)
        for index, found in sorted(grouped.items())
    }
    source = open_text(checks.file) if checks.file is not None else None
    try:
        against = None
        if source is not None and checks.file is not None:
            against = ColumnsChecker(read_columns(source, checks.file), checks.tolerance, columns, unit)
        known = all(column.length is not None for column in columns)
        stops = None if against else [expects[i].last if i in expects else 0 for i in range(len(columns))]
        for rows, cells in chunks(stops):
            for index, checker in expects.items():
                column = [row[index] for row in cells]
                present = len(column) - column.count(None)  # blanks only follow a column's end
                if present:
                    checker.feed(range(rows.start, rows.start + present), column[:present])  # type: ignore[arg-type]
            if against:
                against.feed(rows, cells)
                if known and against.done and all(checker.done for checker in expects.values()):
                    break
        reports = (
            [_merged([checker.finish() for checker in expects.values()], checks.tolerance)] if expects else []
        )
        if against:
            lengths = [column.length for column in columns]
            reports.append(against.finish(max(lengths) if known else None))  # type: ignore[type-var]
        return [report for report in reports if not report.ok]
    finally:
        if source is not None and source is not sys.stdin:
            source.close()


def _merged(reports: list[Report], tolerance: Tolerance) -> Report:
    """Every column's ``--expect`` report as one, its rows named ``LABEL:ROW``."""
    merged = Report(f"--expect failed ({expect_rule(tolerance)})")
    for report in reports:
        merged.compared += report.compared
        merged.differing += report.differing
        merged.first += report.first[: SHOWN - len(merged.first)]
    return merged


class ColumnsChecker:
    """Feeds compare's rows past a file compare wrote, cell by cell, matching columns by label;
    then compares the row count, the row label, the columns and, for JSON, each column's
    schedule and parameters."""

    def __init__(
        self, recorded: RecordedColumns, tolerance: Tolerance, columns: Sequence[Column], unit: str
    ) -> None:
        self.recorded, self.tolerance, self.columns, self.unit = recorded, tolerance, columns, unit
        labels = [column.label for column in columns]
        self.pairs = [
            (recorded.labels.index(label), i, label)
            for i, label in enumerate(labels)
            if label in recorded.labels
        ]
        """(the file's column, the run's column, the label) for each column both have."""
        self.same = recorded.labels == labels and not tolerance.given
        """Whether a row equal to the run's as a tuple passes (the usual verdict, one comparison)."""
        self.report = Report(f"--check {recorded.name} failed ({tolerance.describe()})", counted="cells")
        self.file_rows = chain.from_iterable(recorded.rows)
        self.read = 0
        self.rows = 0
        self.done = False
        """Whether the file has no more rows: the rest of the run's cannot change the verdict."""

    def feed(self, rows: range, cells: list[Cells]) -> None:
        self.rows = rows.stop - 1
        wanted = list(islice(self.file_rows, len(cells)))
        self.read += len(wanted)
        self.done = len(wanted) < len(cells)
        self.report.compared += len(wanted) * len(self.pairs)
        for row, want, got in zip(rows, wanted, cells):
            if self.same and want == got:
                continue
            for mine, theirs, label in self.pairs:
                expected, found = want[mine], got[theirs]
                if expected is None or found is None:
                    if expected is not found:
                        self.report.add(
                            f"{label}:{row}", "blank" if expected is None else repr(expected), found
                        )
                elif not self.tolerance.allows(expected, found):
                    self.report.add(f"{label}:{row}", repr(expected), found)

    def finish(self, length: int | None) -> Report:
        recorded, notes = self.recorded, self.report.notes
        recorded_rows = self.read + sum(1 for _ in self.file_rows)  # reads the header after the rows
        rows = self.rows if length is None else length
        if recorded_rows != rows:
            notes.append(f"row count: the file has {recorded_rows}, this run {rows}")
        if recorded.unit is not None and recorded.unit != self.unit:
            notes.append(f"rows: the file labels them {recorded.unit!r}, this run {self.unit!r}")
        labels = [column.label for column in self.columns]
        notes += [
            f"column {label!r}: the file has it, this run does not"
            for label in recorded.labels
            if label not in labels
        ]
        notes += [
            f"column {label!r}: this run has it, the file does not"
            for label in labels
            if label not in recorded.labels
        ]
        for column in self.columns:
            about = recorded.series.get(column.label)
            if about is None:
                continue
            if "schedule" in about and about["schedule"] != column.schedule:
                found = f"the file has {about['schedule']!r}, this run {column.schedule!r}"
                notes.append(f"column {column.label!r}: schedule: {found}")
            if isinstance(about.get("params"), dict):
                params = json.loads(json.dumps(column.params))  # as JSON reads back: tuples become lists
                notes += [
                    f"column {column.label!r}: {note}" for note in param_differences(about["params"], params)
                ]
        return self.report
