"""Values a schedule reads from a file the user names: one number per line, or a CSV column.

The CLI opens the file (or stdin) and hands its lines here; the schedules never see a file.
Every error names the file and the line, so the user can go straight to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from lrsched_cli.errors import InputError

QUOTED = 40
"""The most characters of a user's text a message quotes: a 10 MB line is not echoed whole."""


def excerpt(text: str) -> str:
    """``text`` as a message quotes it: its repr, cut to its first `QUOTED` characters."""
    if len(text) <= QUOTED:
        return repr(text)
    return f"{text[:QUOTED]!r}... ({len(text)} characters)"


def read_numbers(lines: Iterable[str], source: str, *, column: str | None = None) -> tuple[float, ...]:
    """The numbers in ``lines``: one per line, or those in ``column`` of a CSV with a header line.

    Blank lines are skipped; anything else that is not a finite number is an error, and so is
    a file without a number. A byte order mark at the start (Excel's "CSV UTF-8", Windows
    PowerShell) is not part of the first value or column name.
    """
    values = _numbers(_without_bom(lines), source, column)
    if not values:
        raise InputError(
            None, f"{source}: no numbers in it" + (f" under column {column!r}" if column else "")
        )
    return values


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    rest = iter(lines)
    first = next(rest, None)
    if first is not None:
        yield first.removeprefix("\ufeff")
        yield from rest


def _numbers(lines: Iterable[str], source: str, column: str | None) -> tuple[float, ...]:
    if column is None:
        return tuple(_number(text, source, line) for line, text in enumerate(lines, 1) if text.strip())
    import csv  # only for --column: every schedule command imports this module

    rows = csv.reader(lines)
    try:
        header = [name.strip() for name in next(rows, [])]
        if column not in header:
            found = ", ".join(repr(name) for name in header) or "nothing"
            raise InputError(None, f"{source} line 1: no column {column!r} in the header, found {found}")
        index = header.index(column)
        values = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if index >= len(row):
                raise InputError(None, f"{source} line {rows.line_num}: no value in column {column!r}")
            values.append(_number(row[index], source, rows.line_num))
    except csv.Error as error:
        raise InputError(None, f"{source} line {rows.line_num}: not valid CSV ({error})") from None
    return tuple(values)


def _number(text: str, source: str, line: int) -> float:
    shown = text.strip()
    try:
        value = float(shown)
    except ValueError:
        hint = " (a CSV? name the column with --column)" if "," in shown else ""
        raise InputError(None, f"{source} line {line}: {shown!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise InputError(None, f"{source} line {line}: {shown!r} is not a finite number")
    return value
