"""Output: every format a series can be written in, and where it goes.

`Format` names the formats; `WRITERS` streams the text and data ones (`text`), `FIGURES` draws
the others from a bounded sample (`figure`, `plot`, `image`). `destination` is where the bytes
go (stdout or an atomically replaced file); `deliver` is the one path every command's rows take;
`aligned` writes several series side by side (compare).
"""

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lrsched_cli.errors import LrschedError, RateError
from lrsched_cli.output.series import Series, chunks
from lrsched_cli.output.text import write_blog, write_csv, write_json, write_jsonl, write_table

if TYPE_CHECKING:
    from lrsched_cli.output.figure import Curves, Look

__all__ = [
    "FIGURES",
    "FILE_ONLY",
    "SUFFIXES",
    "WRITERS",
    "Format",
    "RateError",
    "Series",
    "chunks",
    "format_for",
    "write_figure",
]


class Format(StrEnum):
    blog = "blog"
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    plot = "plot"
    png = "png"
    svg = "svg"


SUFFIXES: dict[str, tuple[Format, ...]] = {
    ".csv": (Format.csv,),
    ".json": (Format.json,),
    ".jsonl": (Format.jsonl,),
    ".png": (Format.png,),
    ".svg": (Format.svg,),
    ".txt": (Format.blog, Format.table, Format.plot),
}
"""The formats a file name's extension stands for; without --format, the file gets the first
(for ``.txt``, the command's own default text format)."""


def format_for(given: Format | None, output: Path | None, default: Format) -> Format:
    """The format to write: --format, else the one --output's known extension names, else the
    command's default. A --format the extension contradicts is an `LrschedError`."""
    suffix = output.suffix.lower() if output is not None else ""
    named = SUFFIXES.get(suffix)
    if named is None:
        return default if given is None else given
    if given is None:
        return default if default in named else named[0]
    if given not in named:
        shown = " or ".join(f"--format {fmt}" for fmt in named)
        message = f"--format {given} contradicts --output {str(output)!r}, a {suffix} file ({shown})"
        raise LrschedError("format", message + "; give one of them, or make them agree")
    return given


WRITERS: dict[Format, Callable[[TextIO, Series, int | None], None]] = {
    Format.blog: write_blog,
    Format.table: write_table,
    Format.csv: write_csv,
    Format.json: write_json,
    Format.jsonl: write_jsonl,
}


def _plot(curves: "Curves", look: "Look") -> str:
    from lrsched_cli.output.plot import draw  # plotille loads only when plotting

    return draw(curves, look)


def _image(kind: str) -> Callable[["Curves", "Look"], bytes]:
    def render(curves: "Curves", look: "Look") -> bytes:
        from lrsched_cli.output.image import render  # matplotlib loads only for an image

        return render(curves, look, kind)

    return render


FIGURES: dict[Format, Callable[["Curves", "Look"], str | bytes]] = {
    Format.plot: _plot,
    Format.png: _image("png"),
    Format.svg: _image("svg"),
}
"""Formats drawn whole, from a bounded sample of each series: text (str) or a file's bytes.

Each takes a list of (label, series), so a command draws one curve and ``compare`` several.
"""


def write_figure(out: TextIO, fmt: Format, curves: "Curves", look: "Look") -> None:
    """Draw a figure format and write it: text to the stream, an image to its binary buffer.

    Colour as `terminal.colour` allows; braille only when the stream's encoding has it, else ASCII.
    """
    from dataclasses import replace  # figures only: a plain run does not load dataclasses

    from lrsched_cli.output.terminal import colour, encodes

    figure = FIGURES[fmt](curves, replace(look, colour=colour(out), braille=encodes(out, "\u28ff")))
    if isinstance(figure, bytes):
        out.flush()
        out.buffer.write(figure)
    else:
        out.write(figure)


FILE_ONLY = frozenset({Format.png, Format.svg})
"""Formats written only with --output: image bytes have no place on a terminal."""
