"""Reading the files lrsched writes (CSV, JSON, JSON Lines) back, streamed, for ``--check``.

The format is detected from the content; rates are yielded a block at a time and checked as
they come (each row labelled with its number, each rate finite), so a file of any size reads in
flat memory. Blocks written exactly as lrsched writes them are read at C speed (`blocks`); the
rest row by row. Anything that is not such a file raises `InputError`.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TextIO

from lrsched_cli.check.blocks import LAYOUTS, Layout, csv_block, json_lines_block, json_rows_block
from lrsched_cli.errors import InputError

CHUNK = 4096
"""Rates a block read row by row yields at a time."""

QUOTED = 80
"""Characters of a bad value a message quotes: a 10 MB line is not echoed whole."""

COLUMNS = (["epoch", "lr"], ["step", "lr"], ["epoch", "step", "lr"])
"""The CSV headers lrsched writes: rows per epoch, per optimizer step, per step with its epoch."""


@dataclass
class Recorded:
    """A file lrsched wrote, opened: its rows stream, its header fills in as they are read.

    ``rows`` yields the rates a block at a time, rows 1, 2, ... in order; ``header`` holds
    ``schedule`` and ``params`` for JSON (complete once ``rows`` is exhausted: a reformatted
    file may put them after the rows).
    """

    name: str
    rows: Iterator[list[float]]
    per_step: bool | None
    """True when rows are optimizer steps (a ``step`` label), None if the file does not say."""
    header: dict[str, Any] = field(default_factory=dict)


def open_text(path: str) -> TextIO:
    """The file to check (``-`` for stdin), or a `InputError` that says why it cannot be read."""
    if path == "-":
        if sys.stdin is None or sys.stdin.closed:  # run with stdin closed (<&-)
            raise InputError(None, "cannot read stdin ('-'): it is closed, so there is nothing to check")
        return sys.stdin
    try:
        return open(path, encoding="utf-8-sig", newline="")  # a BOM from a Windows editor is skipped
    except OSError as error:
        raise InputError(None, f"cannot read {path!r}: {error.strerror or error}") from None


def read_recorded(file: TextIO, name: str) -> Recorded:
    """Detect the format from the content (the extension is not needed) and stream the rows.

    ``epoch,...`` or ``step,...`` on the first line is CSV; a first line that is a whole JSON
    object with an ``epoch``, ``step`` or ``lr`` (and no ``rows``) is JSON Lines; any other ``{``
    starts JSON.

    A check reads a whole file or fails: an empty file (what ``-n 0 -f jsonl`` writes) is a
    usage error, as a closed or empty stdin is, and so is a CSV or JSON Lines file whose last
    line has no newline (lrsched ends every line: it was cut short).
    """
    try:
        first = file.readline()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(None, f"cannot read {name!r}: {error}") from None
    stripped = first.strip()
    if not stripped:
        raise InputError(None, f"{name!r} is empty: there is nothing to check against")
    if stripped.startswith(("epoch", "step")):
        columns = stripped.split(",")
        if columns not in COLUMNS:
            known = ", ".join(",".join(known) for known in COLUMNS)
            raise malformed(name, f"its header is {stripped!r}, not one of {known}")
        if not first.endswith("\n"):
            raise malformed(name, "line 1 ends without a newline: the file was cut short")
        return Recorded(name, _csv_rows(file, name, columns), "step" in columns)
    if stripped.startswith("{"):
        try:
            whole = json.loads(stripped)
        except (ValueError, RecursionError):  # the JSON document's reader says where and why
            whole = None
        if isinstance(whole, dict) and "rows" not in whole and ({"epoch", "step", "lr"} & whole.keys()):
            layout = LAYOUTS.get(tuple(whole))
            return Recorded(name, _jsonl_rows(file, name, first, layout), "step" in whole)
        recorded = Recorded(name, iter(()), None)
        recorded.rows = _json_rows(JsonStream(file, name, first), recorded)
        return recorded
    raise malformed(name, "it is not CSV, JSON or JSON Lines (does not start with 'epoch', 'step' or '{')")


def malformed(name: str, why: str, what: str = "a file lrsched wrote") -> InputError:
    return InputError(None, f"{name!r} is not {what}: {why}")


def quoted(value: object) -> str:
    """A value from the file as a message quotes it: its repr, cut to ``QUOTED`` characters."""
    text = repr(value)
    return text if len(text) <= QUOTED else f"{text[:QUOTED]}... ({len(text)} characters)"


def undecodable(error: ValueError | RecursionError) -> str:
    """Why the JSON decoder refused a value: broken, nested too deeply, or a too-long integer."""
    if isinstance(error, json.JSONDecodeError):
        return f"broken ({error.msg})"
    if isinstance(error, RecursionError):
        return "nested too deeply to read"
    return "a number too long to read (an integer of over 4,300 digits)"  # int()'s own limit


BATCH = 1 << 16
"""Characters of lines read at a time."""


def read_batches(file: TextIO, name: str, start: int) -> Iterator[list[str]]:
    """The file's lines to its end, a batch at a time (the first numbered ``start``); a last line
    without its newline is a file cut short."""
    while True:
        try:
            lines = file.readlines(BATCH)
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(None, f"cannot read {name!r}: {error}") from None
        if not lines:
            return
        start += len(lines)
        if not lines[-1].endswith("\n"):  # only the file's last line can, checked before it is read
            raise malformed(name, f"line {start - 1} ends without a newline: the file was cut short")
        yield lines


def _row(name: str, where: int, label: object, rate: object) -> float:
    """One row's label and rate, checked: row ``where`` must be labelled ``where``."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(_float(rate)):
        raise malformed(name, f"row {where} has rate {quoted(rate)}, not a finite number")
    if label != where or isinstance(label, bool):
        raise malformed(name, f"row {where} is labelled {quoted(label)}")
    return float(rate)


def _float(number: float) -> float:
    """An int past float's range (a JSON rate of 400 digits) is as infinite as 1e400."""
    try:
        return float(number)
    except OverflowError:
        return math.inf


def _csv_rows(file: TextIO, name: str, columns: list[str]) -> Iterator[list[float]]:
    where = 0  # rows read
    batches = read_batches(file, name, start=2)
    for lines in batches:
        rates = csv_block(lines, where + 1, len(columns))
        if rates is None:  # read on row by row, from this batch, for the exact error
            rest = chain(lines, (line for batch in batches for line in batch))
            yield from _csv_rows_one_by_one(rest, name, columns, where)
            return
        where += len(rates)
        yield rates


def _csv_rows_one_by_one(
    lines: Iterator[str], name: str, columns: list[str], read: int
) -> Iterator[list[float]]:
    """Rows after the first ``read``, through the csv module: what `csv_block` did not take."""
    rows, where = csv.reader(lines), read
    rates: list[float] = []
    try:
        for where, fields in enumerate(rows, start=read + 1):
            if len(fields) != len(columns):
                raise malformed(name, f"row {where} has {len(fields)} fields, not {len(columns)}")
            try:
                label, rate = int(fields[-2]), float(fields[-1])
            except ValueError:  # not a number, or an integer over int()'s 4,300 digits
                raise malformed(name, f"row {where} is {quoted(','.join(fields))}") from None
            rates.append(_row(name, where, label, rate))
            if len(rates) == CHUNK:
                yield rates
                rates = []
    except csv.Error as error:  # a field over the csv module's 128 KiB, a stray quote
        place = f"row {where + 1} (line {read + rows.line_num + 1})"
        raise malformed(name, f"{place} cannot be read: {error}") from None
    if rates:
        yield rates


def _jsonl_rows(file: TextIO, name: str, first: str, layout: Layout | None) -> Iterator[list[float]]:
    """Row objects with the keys of ``layout`` read as blocks, until one is not so (or with no
    layout, from the start), then line by line."""
    where, number = 0, 0  # rows and lines read
    batches = chain([[first]], read_batches(file, name, start=2))
    for lines in batches:
        rates = None if layout is None else json_lines_block(layout, lines, where + 1)
        if rates is None:  # read on line by line, from this batch, for the exact error
            rest = chain(lines, (line for batch in batches for line in batch))
            yield from _jsonl_rows_one_by_one(rest, name, where, number)
            return
        where, number = where + len(rates), number + len(lines)
        yield rates


def _jsonl_rows_one_by_one(
    lines: Iterator[str], name: str, where: int, lines_read: int
) -> Iterator[list[float]]:
    """Lines after the first ``lines_read`` (``where`` rows), each through the json module."""
    rates: list[float] = []
    for number, line in enumerate(lines, lines_read + 1):
        if not line.strip():
            continue
        where += 1
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as error:
            raise malformed(name, f"line {number} is not JSON it can read: {undecodable(error)}") from None
        rates.append(_labelled(name, where, obj))
        if len(rates) == CHUNK:
            yield rates
            rates = []
    if rates:
        yield rates


def _labelled(name: str, where: int, obj: object) -> float:
    if not isinstance(obj, dict) or "lr" not in obj or not ("epoch" in obj or "step" in obj):
        raise malformed(name, f"row {where} is {quoted(obj)}, not an object with epoch (or step) and lr")
    return _row(name, where, obj["step"] if "step" in obj else obj["epoch"], obj["lr"])


def _json_rows(stream: JsonStream, recorded: Recorded) -> Iterator[list[float]]:
    """The rates of lrsched's JSON document, a block at a time; the other keys go to the header."""
    stream.take("{")
    rows_seen = False
    while stream.peek() != "}":
        key = stream.value()
        stream.take(":")
        if key == "rows":
            rows_seen = True
            stream.take("[")
            where = 0
            while True:
                block = stream.rows(where + 1)  # before white space: the layout has its own
                if block is not None:
                    if recorded.per_step is None and stream.layout is not None:
                        recorded.per_step = "step" in stream.layout.keys
                    where += len(block)
                    yield block
                    continue
                if stream.peek() == "]":
                    break
                where += 1
                obj = stream.value()
                if recorded.per_step is None and isinstance(obj, dict):
                    recorded.per_step = "step" in obj
                yield [_labelled(recorded.name, where, obj)]
                if stream.peek() == ",":
                    stream.take(",")
            stream.take("]")
        else:
            recorded.header[str(key)] = stream.value()
        if stream.peek() == ",":
            stream.take(",")
    stream.take("}")
    stream.end()
    if not rows_seen:
        raise malformed(recorded.name, "its JSON has no rows")


class JsonStream:
    """Decodes one JSON value at a time from a file, holding only a buffer of text.

    Reads grow with the value being decoded (a value cut by the buffer's end is decoded again
    once more is read), so a long value costs linear time; ``where`` names a place by line and
    column for messages.
    """

    def __init__(self, file: TextIO, name: str, start: str, what: str = "a file lrsched wrote") -> None:
        self.file, self.name = file, name
        self.what = what
        """What the file should be, as messages say it is not."""
        self.text, self.at, self.eof = start, 0, False
        self.lines_before = 0
        """Lines in the text already dropped from the buffer."""
        self.line_start = 0
        """Where the buffer's first line starts in it: 0, or below 0 when dropped text holds its start."""
        self.decoder = json.JSONDecoder()
        self.layout: Layout | None = None
        """How the rows are laid out, when as lrsched writes them (`rows`)."""

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            more = self.file.read(max(1 << 16, len(self.text) - self.at))
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(None, f"cannot read {self.name!r}: {error}") from None
        if not more:  # the buffer stays as it is: a decoder's error position still holds in it
            self.eof = True
            return False
        self.lines_before += self.text.count("\n", 0, self.at)
        self.line_start -= self.at  # where the buffer's current line starts, maybe before it
        if "\n" in self.text[: self.at]:
            self.line_start = self.text.rfind("\n", 0, self.at) + 1 - self.at
        self.text, self.at = self.text[self.at :] + more, 0
        return True

    def where(self, at: int | None = None) -> str:
        """``line 3, column 14`` of the file, for the buffer's position ``at`` (default: here)."""
        at = self.at if at is None else at
        line = self.lines_before + self.text.count("\n", 0, at) + 1
        newline = self.text.rfind("\n", 0, at)
        return f"line {line}, column {at - (newline + 1 if newline >= 0 else self.line_start) + 1}"

    def peek(self) -> str:
        while True:
            while self.at < len(self.text) and self.text[self.at].isspace():
                self.at += 1
            if self.at < len(self.text) or not self._more():
                return self.text[self.at : self.at + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            found = quoted(self.peek()) if self.peek() else "the end of the file"
            raise malformed(
                self.name, f"its JSON has {found} where {char!r} belongs, at {self.where()}", self.what
            )
        self.at += 1

    def rows(self, start: int) -> list[float] | None:
        """The rates of the row objects from here on written as lrsched writes them, each with
        its comma (rows start, start + 1, ...); None if the next one is not so. The layout is
        the first row's; a document whose first row is laid out otherwise goes row by row."""
        if len(self.text) - self.at < 1024:  # a row cut by the buffer's end: read on first
            self._more()
        if start == 1:
            fitting = (layout for layout in LAYOUTS.values() if layout.in_array.match(self.text, self.at))
            self.layout = next(fitting, None)
        block = None if self.layout is None else json_rows_block(self.layout, self.text, self.at, start)
        if block is None:
            return None
        self.at, rates = block
        return rates

    def end(self) -> None:
        """The document is over: only white space may follow it."""
        if self.peek():
            raise malformed(self.name, f"text follows its JSON document, at {self.where()}", self.what)

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.at)
            except json.JSONDecodeError as error:
                if self._more():
                    continue
                raise self._refused(error, error.pos) from None
            except (ValueError, RecursionError) as error:  # too long, too deep: more text won't help
                raise self._refused(error, self.at) from None
            if end < len(self.text) or not self._more():  # a number may go on in the next read
                self.at = end
                return value

    def _refused(self, error: ValueError | RecursionError, at: int) -> InputError:
        return malformed(self.name, f"its JSON is {undecodable(error)}, at {self.where(at)}", self.what)
