"""Values a schedule reads from a file the user names: one number per line, or a CSV column.

The CLI opens the file (or stdin) and hands its lines here; the schedules never see a file.
Every error names the file and the line, so the user can go straight to it. The lines are read
one at a time, each at most `LONGEST_LINE` characters (`LONGEST_ROW` in a CSV), so neither a
huge file nor an endless line (``/dev/zero``) holds more in memory than the numbers themselves.
"""

import math
from collections.abc import Iterable, Iterator
from typing import Protocol

from lrsched_cli.errors import InputError

QUOTED = 40
"""The most characters of a user's text a message quotes: a 10 MB line is not echoed whole."""
LONGEST_LINE = 1024
"""The longest line of a one-number-per-line file: the longest float is about 25 characters."""
LONGEST_ROW = 1 << 20
"""The longest line of a CSV read with --column: a row of many columns, never an endless line."""


def excerpt(text: str) -> str:
    """``text`` as a message quotes it: its repr, cut to its first `QUOTED` characters."""
    if len(text) <= QUOTED:
        return repr(text)
    return f"{text[:QUOTED]!r}... ({len(text)} characters)"


class Readable(Protocol):
    def readline(self, size: int = -1, /) -> str: ...


def read_numbers(
    lines: Iterable[str] | Readable, source: str, *, column: str | None = None
) -> tuple[float, ...]:
    """The numbers in ``lines``: one per line, or those in ``column`` of a CSV with a header line.

    Every line holds one epoch's value: a blank line between two values is an error naming it
    (it would shift every epoch after it); blank lines at the end are not. Anything else that is
    not a finite number is an error, and so is a file without a number. A byte order mark at the
    start (Excel's "CSV UTF-8", Windows PowerShell) is not part of the first value or column name.
    """
    longest = LONGEST_LINE if column is None else LONGEST_ROW
    values = _numbers(_without_bom(_bounded(lines, source, longest)), source, column)
    if not values:
        raise InputError(
            None, f"{source}: no numbers in it" + (f" under column {column!r}" if column else "")
        )
    return values


def _bounded(lines: Iterable[str] | Readable, source: str, longest: int) -> Iterator[str]:
    """The lines, read one at a time and refused past ``longest`` characters."""
    if isinstance(lines, Iterable) and not hasattr(lines, "readline"):
        chunks: Iterator[str] = iter(lines)
    else:  # a file: read no further than one character past the longest line
        reader: Readable = lines  # type: ignore[assignment]
        chunks = iter(lambda: reader.readline(longest + 1), "")
    for number, line in enumerate(chunks, 1):
        if len(line.rstrip("\r\n")) > longest:
            raise InputError(
                None,
                f"{source} line {number}: longer than {longest} characters, more than any value "
                f"could be (starts {excerpt(line[:QUOTED])})",
            )
        yield line


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    rest = iter(lines)
    first = next(rest, None)
    if first is not None:
        yield first.removeprefix("\ufeff")
        yield from rest


def _blank(source: str, line: int) -> InputError:
    return InputError(
        None, f"{source} line {line}: a blank line between values; each line is one epoch's value"
    )


def _numbers(lines: Iterable[str], source: str, column: str | None) -> tuple[float, ...]:
    values: list[float] = []
    blank = 0  # the first blank line since the last value: an error if a value follows it
    if column is None:
        for line, text in enumerate(lines, 1):
            if not text.strip():
                blank = blank or line
                continue
            if blank:
                raise _blank(source, blank)
            values.append(_number(text, source, line))
        return tuple(values)
    import csv  # only for --column: every schedule command imports this module

    rows = csv.reader(lines)
    try:
        header = [name.strip() for name in next(rows, [])]
        if column not in header:
            raise InputError(
                None, f"{source} line 1: no column {column!r} in the header, {_found(column, header)}"
            )
        index = header.index(column)
        for row in rows:
            if not any(cell.strip() for cell in row):
                blank = blank or rows.line_num
                continue
            if blank:
                raise _blank(source, blank)
            if index >= len(row):
                raise InputError(None, f"{source} line {rows.line_num}: no value in column {column!r}")
            values.append(_number(row[index], source, rows.line_num))
    except csv.Error as error:
        raise InputError(None, f"{source} line {rows.line_num}: not valid CSV ({error})") from None
    return tuple(values)


def _found(column: str, header: list[str]) -> str:
    """What the header holds instead, with the closest name first when one is close."""
    from difflib import get_close_matches

    found = "found " + (", ".join(excerpt(name) for name in header[:20]) or "nothing")
    if len(header) > 20:
        found += f", ... ({len(header)} columns)"
    close = get_close_matches(column, header, n=1)
    return f"did you mean {close[0]!r}? ({found})" if close else found


def _number(text: str, source: str, line: int) -> float:
    shown = text.strip()
    try:
        value = float(shown)
    except ValueError:
        hint = " (a CSV? name the column with --column)" if "," in shown else ""
        raise InputError(None, f"{source} line {line}: {excerpt(shown)} is not a number{hint}") from None
    if not math.isfinite(value):
        raise InputError(None, f"{source} line {line}: {excerpt(shown)} is not a finite number")
    return value
