"""The fast path of reading a file back: blocks of rows exactly as lrsched writes them.

lrsched writes every row the same way (``12,0.0795``, ``{"epoch": 12, "lr": 0.0795}``), so a
block of thousands of such rows is recognised by one regular expression (no groups, which cost
more than the match) and then split at C speed with `str.replace` and `str.split`: checking a
file costs about what writing it did. Each function returns the block's rates, or None when
any row in it is not exactly so (a reformatted file, a bad row, a label out of order, a rate
that is not finite); the caller then reads that block row by row with the exact errors of the
general readers, which accept everything these do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

NUMBER = r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?"
"""A JSON number; Python's float() reads one exactly as the json module does."""

_CSV_LINES = re.compile(r"(?:\d+,[^,\r\n]*\n)*")
_CSV_LINES_PER_STEP = re.compile(r"(?:\d+,\d+,[^,\r\n]*\n)*")


class Layout:
    """How lrsched writes a row object with these keys (the labels, then ``lr``): the pattern
    of one, and the pieces between its numbers, which the split turns into commas."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.width = len(keys)
        self.head = f'{{"{keys[0]}": '
        self.separators = [f', "{key}": ' for key in keys[1:]]
        numbers = [r"\d+"] * (self.width - 1) + [NUMBER]
        self.row = re.escape(self.head) + "".join(
            [numbers[0], *(re.escape(sep) + number for sep, number in zip(self.separators, numbers[1:]))]
        )
        self.lines = re.compile(f"(?:{self.row}\\}}\\n)*")
        self.in_array = re.compile(f"(?:\\n  {self.row}\\}},)+")
        """Rows in a JSON document's ``rows`` array, each with its comma, laid out as lrsched
        writes them (a reformatted file goes row by row)."""

    def fields(self, text: str, start: str, end: str) -> list[str]:
        """The numbers of rows ``start`` + row + ``end`` each, in order, for `rates`."""
        text = text.replace(start + self.head, "")
        for separator in self.separators:
            text = text.replace(separator, ",")
        return text.replace(end, ",").split(",")[:-1]


LAYOUTS = {tuple(keys): Layout(keys) for keys in (["epoch", "lr"], ["step", "lr"], ["epoch", "step", "lr"])}
"""Every row object lrsched writes, by its keys."""


def csv_block(lines: list[str], start: int, width: int) -> list[float] | None:
    """The rates of CSV lines holding rows start, start + 1, ..., ``width`` fields each."""
    text = "".join(lines)
    if not (_CSV_LINES if width == 2 else _CSV_LINES_PER_STEP).fullmatch(text):
        return None
    return rates(text.replace("\n", ",").split(",")[:-1], width, start)


def json_lines_block(layout: Layout, lines: list[str], start: int) -> list[float] | None:
    """The rates of JSON Lines rows start, start + 1, ...: one row object per line."""
    text = "".join(lines)
    if not layout.lines.fullmatch(text):
        return None
    return rates(layout.fields(text, "", "}\n"), layout.width, start)


def json_rows_block(layout: Layout, text: str, at: int, start: int) -> tuple[int, list[float]] | None:
    """Row objects each followed by its comma, from ``text[at]`` on (rows start, start + 1, ...):
    where the last whole one ends and their rates, or None if the first is not so."""
    run = layout.in_array.match(text, at)
    if run is None:
        return None
    found = rates(layout.fields(run[0], "\n  ", "},"), layout.width, start)
    return None if found is None else (run.end(), found)


def rates(fields: list[str], width: int, start: int) -> list[float] | None:
    """The rates, if row k is labelled k (as lrsched writes it) and every rate is finite."""
    labels = fields[width - 2 :: width]
    if labels != list(map(str, range(start, start + len(labels)))):
        return None
    try:
        values = list(map(float, fields[width - 1 :: width]))
    except ValueError:
        return None
    return values if all(map(math.isfinite, values)) else None
