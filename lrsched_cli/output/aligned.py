"""Writers for several labelled series side by side (``compare``), rows aligned by number.

The same formats as `text` writes for one series, sharing its JSON framing; each streams the
aligned rows a chunk at a time, so memory stays flat. A series shorter than the others leaves
blanks: an empty CSV cell, a JSON null, an empty table cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from itertools import zip_longest
from typing import TextIO

from lrsched_cli.output import Format
from lrsched_cli.output.series import Series, chunks, decimals, unit_of
from lrsched_cli.output.text import json_document, json_lines, table

Cells = list[tuple[float | None, ...]]
"""Rows of one chunk, each with one rate per series, None past a series' end."""


class Aligned:
    """Labelled series side by side, rows aligned by number, ready to stream row by row
    (``compare``); ``specs`` says what made each series."""

    def __init__(self, specs: Sequence[str], labels: Sequence[str], series: Sequence[Series]) -> None:
        self.specs, self.labels, self.series = list(specs), list(labels), list(series)
        self.unit = unit_of(self.series)
        """The row label's column: ``epoch``, ``step`` (every series a framework's steps) or ``row``."""

    def rows(self) -> Iterator[tuple[range, Cells]]:
        """Yield (row numbers, cells) a chunk at a time; a series that ended gives None."""
        for parts in zip_longest(*map(chunks, self.series)):
            present = [part for part in parts if part is not None]
            rows = range(present[0][0].start, max(part[0].stop for part in present))
            columns = [
                [*part[1], *[None] * (len(rows) - len(part[1]))] if part else [None] * len(rows)
                for part in parts
            ]
            yield rows, list(zip(*columns))


def write_csv(out: TextIO, aligned: Aligned, precision: int | None) -> None:
    """Header ``epoch,<label>,...`` (quoted where a label needs it); an empty cell past an end."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([aligned.unit, *aligned.labels])
    out.write(header.getvalue())
    for rows, cells in aligned.rows():
        out.write(
            "".join(f"{row},{','.join(_cell(lr, '') for lr in rates)}\n" for row, rates in zip(rows, cells))
        )


def _cell(lr: float | None, blank: str) -> str:
    return blank if lr is None else repr(lr)


def _row_objects(aligned: Aligned) -> Iterator[list[str]]:
    keys = [json.dumps(label) for label in aligned.labels]
    unit = json.dumps(aligned.unit)
    for rows, cells in aligned.rows():
        yield [
            f"{{{unit}: {row}, "
            + ", ".join(f"{key}: {_cell(lr, 'null')}" for key, lr in zip(keys, rates))
            + "}"
            for row, rates in zip(rows, cells)
        ]


def write_jsonl(out: TextIO, aligned: Aligned, precision: int | None) -> None:
    """One ``{"epoch": 1, "<label>": 0.1, ...}`` per line; null past a schedule's end."""
    json_lines(out, _row_objects(aligned))


def write_json(out: TextIO, aligned: Aligned, precision: int | None) -> None:
    """``{"series": [{"label", "spec", "schedule", "params"}, ...], "rows": [...]}``."""
    about = [
        {"label": label, "spec": spec, "schedule": s.schedule, "params": s.params}
        for label, spec, s in zip(aligned.labels, aligned.specs, aligned.series)
    ]
    json_document(out, {"series": about}, _row_objects(aligned))


def write_table(out: TextIO, aligned: Aligned, precision: int | None) -> None:
    """The table writer one schedule's table uses, one column per schedule; a blank cell past a
    schedule's end."""

    def text() -> Iterator[list[list[str]]]:
        fixed: Callable[[float], str] | None = None
        for rows, cells in aligned.rows():
            if fixed is None:  # decided on the first chunk of every series
                fixed = f"{{:.{decimals(precision, (lr for rates in cells for lr in rates))}f}}".format
            yield [[str(row), *["" if lr is None else fixed(lr) for lr in rates]] for row, rates in
                   zip(rows, cells)]  # fmt: skip

    table(out, [aligned.unit.capitalize(), *aligned.labels], text())


WRITERS: dict[Format, Callable[[TextIO, Aligned, int | None], None]] = {
    Format.table: write_table,
    Format.csv: write_csv,
    Format.json: write_json,
    Format.jsonl: write_jsonl,
}
