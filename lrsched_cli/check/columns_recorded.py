"""Reading the files ``compare`` writes (CSV, JSON, JSON Lines) back, streamed, for its ``--check``.

A compare file has one column per SPEC beside the row label (``epoch``, ``step`` or ``row``);
a cell is a rate, or blank (an empty CSV cell, a JSON null) past its schedule's end. The format
is detected from the content, as `recorded` does for one schedule's files, and rows are
yielded a block at a time, each checked as it comes (labelled with its number, every rate
finite). Anything that is not such a file raises `InputError`.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TextIO

from lrsched_cli.check.recorded import CHUNK, JsonStream, malformed, quoted, read_batches, undecodable
from lrsched_cli.errors import InputError

UNITS = ("epoch", "step", "row")
"""compare's first column: what a row is (`lrsched_cli.output.series.unit_of`)."""

Cells = tuple[float | None, ...]
"""One row's cells in the file's column order: a rate, or None for a blank."""


@dataclass
class RecordedColumns:
    """A file compare wrote, opened: ``unit`` and ``labels`` from its first line, rows streamed.

    ``series`` holds JSON's ``series`` header by label (``spec``, ``schedule``, ``params``),
    complete once ``rows`` is exhausted (a reformatted file may put it after the rows).
    """

    name: str
    unit: str | None
    """The row label's column; None when the file does not say (JSON with no rows)."""
    labels: list[str]
    rows: Iterator[list[Cells]]
    series: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_columns(file: TextIO, name: str) -> RecordedColumns:
    """Detect the format from the first line and stream the rows: ``epoch,...`` (or ``step``,
    ``row``) is CSV; a whole JSON object with the row label's key is JSON Lines; any other ``{``
    starts JSON. An empty file, or one cut short, is a usage error, as for one schedule."""
    try:
        first = file.readline()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(None, f"cannot read {name!r}: {error}") from None
    stripped = first.strip()
    if not stripped:
        raise InputError(None, f"{name!r} is empty: there is nothing to check against")
    if stripped.startswith(UNITS):
        if not first.endswith("\n"):
            raise malformed(name, "line 1 ends without a newline: the file was cut short")
        header = next(csv.reader([first]))
        return RecordedColumns(name, header[0], header[1:], _csv_rows(file, name, header))
    if stripped.startswith("{"):
        try:
            whole = json.loads(stripped)
        except (ValueError, RecursionError):  # the JSON document's reader says where and why
            whole = None
        if isinstance(whole, dict) and whole and next(iter(whole)) in UNITS:
            keys = list(whole)
            return RecordedColumns(name, keys[0], keys[1:], _jsonl_rows(file, name, first, keys))
        return _json_document(JsonStream(file, name, first), name)
    units = ", ".join(repr(unit) for unit in UNITS)
    why = f"it is not CSV, JSON or JSON Lines that compare wrote (does not start with {units} or '{{')"
    raise malformed(name, why)


def _rate(name: str, where: int, label: str, cell: object) -> float | None:
    """A cell read from JSON: a finite number, or None for a blank."""
    if cell is None:
        return None
    if isinstance(cell, bool) or not isinstance(cell, (int, float)) or not math.isfinite(_float(cell)):
        raise malformed(
            name, f"row {where}, column {label!r} has {quoted(cell)}, not a finite number or null"
        )
    return float(cell)


def _float(number: float) -> float:
    try:
        return float(number)
    except OverflowError:  # an int past float's range is as infinite as 1e400
        return math.inf


def _label(name: str, where: int, label: object) -> None:
    if label != where or isinstance(label, bool):
        raise malformed(name, f"row {where} is labelled {quoted(label)}")


def _csv_rows(file: TextIO, name: str, header: list[str]) -> Iterator[list[Cells]]:
    lines = (line for batch in read_batches(file, name, start=2) for line in batch)
    reader, where, block = csv.reader(lines), 0, []
    try:
        for where, fields in enumerate(reader, start=1):
            if len(fields) != len(header):
                raise malformed(name, f"row {where} has {len(fields)} fields, not {len(header)}")
            try:
                label = int(fields[0])
                cells = tuple(None if cell == "" else float(cell) for cell in fields[1:])
            except ValueError:  # not a number, or an integer over int()'s 4,300 digits
                raise malformed(name, f"row {where} is {quoted(','.join(fields))}") from None
            _label(name, where, label)
            bad = [i for i, cell in enumerate(cells, 1) if cell is not None and not math.isfinite(cell)]
            if bad:
                where_bad = f"row {where}, column {header[bad[0]]!r}"
                raise malformed(name, f"{where_bad} has {quoted(fields[bad[0]])}, not a finite number")
            block.append(cells)
            if len(block) == CHUNK:
                yield block
                block = []
    except csv.Error as error:  # a field over the csv module's 128 KiB, a stray quote
        raise malformed(
            name, f"row {where + 1} (line {reader.line_num + 1}) cannot be read: {error}"
        ) from None
    if block:
        yield block


def _cells(name: str, where: int, keys: list[str], obj: object) -> Cells:
    """A row object's cells in the order of ``keys`` (the row label first, then the labels)."""
    if not isinstance(obj, dict) or list(obj) != keys:
        shown = ", ".join(keys)
        raise malformed(name, f"row {where} is {quoted(obj)}, not an object with the keys {shown}")
    _label(name, where, obj[keys[0]])
    return tuple(_rate(name, where, label, obj[label]) for label in keys[1:])


def _jsonl_rows(file: TextIO, name: str, first: str, keys: list[str]) -> Iterator[list[Cells]]:
    where, block = 0, []
    lines = chain([first], (line for batch in read_batches(file, name, start=2) for line in batch))
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where += 1
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as error:
            raise malformed(name, f"line {number} is not JSON it can read: {undecodable(error)}") from None
        block.append(_cells(name, where, keys, obj))
        if len(block) == CHUNK:
            yield block
            block = []
    if block:
        yield block


def _json_document(stream: JsonStream, name: str) -> RecordedColumns:
    """compare's JSON: ``{"series": [...], "rows": [...]}``; the first row object names the
    columns, so it is read before the rows stream."""
    stream.take("{")
    before: dict[str, Any] = {}
    while stream.peek() != "}":
        key = stream.value()
        stream.take(":")
        if key == "rows":
            stream.take("[")
            if stream.peek() == "]":  # no rows: the columns are the series' labels
                stream.take("]")
                series = before.get("series")
                labels = [s.get("label") for s in series] if isinstance(series, list) else []
                recorded = RecordedColumns(name, None, [str(label) for label in labels], iter(()))
                _read_header(stream, recorded, before)
                return recorded
            first = stream.value()
            if not isinstance(first, dict) or not first or next(iter(first)) not in UNITS:
                raise malformed(
                    name, f"row 1 is {quoted(first)}, not an object with epoch, step or row first"
                )
            keys = [str(key) for key in first]
            recorded = RecordedColumns(name, keys[0], keys[1:], iter(()))
            recorded.rows = _json_rows(stream, recorded, before, keys, first)
            return recorded
        before[str(key)] = stream.value()
        if stream.peek() == ",":
            stream.take(",")
    raise malformed(name, "its JSON has no rows")


def _json_rows(
    stream: JsonStream, recorded: RecordedColumns, before: dict[str, Any], keys: list[str], first: object
) -> Iterator[list[Cells]]:
    where, block = 1, [_cells(recorded.name, 1, keys, first)]
    while True:
        if stream.peek() == ",":
            stream.take(",")
        if stream.peek() == "]":
            break
        where += 1
        block.append(_cells(recorded.name, where, keys, stream.value()))
        if len(block) == CHUNK:
            yield block
            block = []
    stream.take("]")
    _read_header(stream, recorded, before)
    if block:
        yield block


def _read_header(stream: JsonStream, recorded: RecordedColumns, before: dict[str, Any]) -> None:
    """The keys after the rows, then the end of the document; ``series`` goes to the header."""
    header = dict(before)
    while stream.peek() == ",":
        stream.take(",")
        if stream.peek() == "}":
            break
        key = stream.value()
        stream.take(":")
        header[str(key)] = stream.value()
    stream.take("}")
    stream.end()
    series = header.get("series")
    if isinstance(series, list):
        recorded.series = {str(s["label"]): s for s in series if isinstance(s, dict) and "label" in s}
