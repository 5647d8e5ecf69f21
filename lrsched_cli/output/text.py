"""Writers: one per text or data format, each streaming rows to a text stream in chunks.

A writer takes the stream, a `Series` and the precision, and never holds more than one chunk
of rows, so memory stays flat however many rows are asked for.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TextIO

from lrsched_cli.output.series import Series, chunks, columns, decimals, epoch_of, labels

Line = Callable[[int, float], str]


def _write_lines(out: TextIO, series: Series, line: Line) -> None:
    for rows, rates in chunks(series):
        out.write("".join([line(row, lr) for row, lr in zip(rows, rates)]))


def write_blog(out: TextIO, series: Series, precision: int | None) -> None:
    """``Epoch 1, Learning Rate: 0.100000``: the tutorial's table (``Step 1, ...`` for a framework's
    optimizer steps, ``Epoch 1, Step 1, ...`` with --steps-per-epoch).

    Decimals as `decimals` says, decided on the first chunk."""
    line: Line | None = None
    for rows, rates in chunks(series):
        line = line or _blog_line(series, decimals(precision, rates))
        out.write("".join([line(row, lr) for row, lr in zip(rows, rates)]))


def _blog_line(series: Series, places: int) -> Line:
    rate = f"Learning Rate: {{:.{places}f}}\n".format
    if series.steps_per_epoch is None:
        label = labels(series)[0].capitalize()  # Step for a framework's optimizer steps
        return lambda row, lr: f"{label} {row}, {rate(lr)}"
    epoch = epoch_of(series)
    return lambda row, lr: f"Epoch {epoch(row)}, Step {row}, {rate(lr)}"


def write_csv(out: TextIO, series: Series, precision: int | None) -> None:
    """Header ``epoch,lr``; rates as the shortest string that reads back to the same float."""
    out.write(",".join(columns(series)) + "\n")
    epoch = epoch_of(series)
    if series.steps_per_epoch is None:
        for rows, rates in chunks(series):  # the line written in place: no call a row
            out.write("".join([f"{row},{lr!r}\n" for row, lr in zip(rows, rates)]))
    else:
        _write_lines(out, series, lambda row, lr: f"{epoch(row)},{row},{lr!r}\n")


def _json_row(series: Series) -> Line:
    epoch = epoch_of(series)
    if series.steps_per_epoch is None:
        key = labels(series)[0]
        return lambda row, lr: f'{{"{key}": {row}, "lr": {lr!r}}}'
    return lambda row, lr: f'{{"epoch": {epoch(row)}, "step": {row}, "lr": {lr!r}}}'


def write_jsonl(out: TextIO, series: Series, precision: int | None) -> None:
    """One ``{"epoch": 1, "lr": 0.1}`` object per line."""
    json_lines(out, _row_objects(series))


def write_json(out: TextIO, series: Series, precision: int | None) -> None:
    """One object: the schedule, every resolved parameter, and the rows."""
    json_document(out, {"schedule": series.schedule, "params": series.params}, _row_objects(series))


def _row_objects(series: Series) -> Iterable[list[str]]:
    row_object = _json_row(series)
    for rows, rates in chunks(series):
        yield [row_object(row, lr) for row, lr in zip(rows, rates)]


def json_lines(out: TextIO, objects: Iterable[list[str]]) -> None:
    """Write JSON objects, given as text a chunk at a time, one per line (JSON Lines)."""
    for chunk in objects:
        out.write("".join([line + "\n" for line in chunk]))


def json_document(out: TextIO, head: Mapping[str, Any], objects: Iterable[list[str]]) -> None:
    """Write one JSON object: ``head``'s keys, then ``"rows"``, the row objects streamed a chunk
    at a time (given as text), one per line. Never NaN: a rate was checked finite before."""
    import json  # json only: a plain run does not load it

    out.write(json.dumps(head, allow_nan=False)[:-1] + ', "rows": [')
    separator = "\n  "
    for chunk in objects:
        out.write(separator + ",\n  ".join(chunk))
        separator = ",\n  "
    out.write("]}\n" if separator == "\n  " else "\n]}\n")


def write_table(out: TextIO, series: Series, precision: int | None) -> None:
    """A table for people: the row labels (``Epoch``, and ``Step`` per step), then the rate."""
    headers = [name.capitalize() for name in columns(series)[:-1]] + ["Learning rate"]
    epoch = epoch_of(series)
    if series.steps_per_epoch is None:
        labels: Callable[[int], list[str]] = lambda row: [str(row)]  # noqa: E731
    else:
        labels = lambda row: [str(epoch(row)), str(row)]  # noqa: E731

    def cells() -> Iterator[list[list[str]]]:
        rate: Callable[[float], str] | None = None
        for rows, rates in chunks(series):
            rate = rate or f"{{:.{decimals(precision, rates)}f}}".format  # decided on the first chunk
            yield [[*labels(row), rate(lr)] for row, lr in zip(rows, rates)]

    table(out, headers, cells())


def table(out: TextIO, headers: list[str], cells: Iterable[list[list[str]]]) -> None:
    """The one table writer (one schedule's table, and compare's): ``cells`` are its rows' text,
    a chunk at a time, every row one cell per header.

    Rich draws the header and its rule (ASCII where the stream's encoding needs it; bold only
    where `terminal.colour` allows); the rows below are plain right-aligned text in the same
    columns, so a long table streams at the speed of CSV. Column widths come from the first
    chunk, and never narrow a header: a header never wraps, a cell is never cut and a column
    never dropped. A wider cell later widens its own row only. A table wider than the terminal
    is printed wider: a rate with digits cut off would be a wrong number.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from lrsched_cli.output.terminal import colour

    gap = "   "  # Rich's cell padding, the box's space divider, the next cell's padding
    widths: list[int] = []
    for chunk in cells:
        if not widths:
            widths = [max(len(header), *(len(cell) + 2 for cell in column)) for header, column in
                      zip(headers, zip(*chunk))]  # fmt: skip
            header = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
            for name, width in zip(headers, widths):
                header.add_column(name, justify="right", min_width=width, header_style="bold", no_wrap=True)
            console = Console(file=out, highlight=False, force_terminal=colour(out))
            console.width = max(console.width, sum(widths) + len(gap) * (len(widths) - 1))
            console.print(header)
        out.write("".join([gap.join(map(str.rjust, row, widths)) + "\n" for row in chunk]))
