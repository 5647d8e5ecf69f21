"""fairseq's launch arguments, read as text: `derive` splits them as fairseq's argparse would."""

from __future__ import annotations

from typing import Any

from lrsched_cli.errors import LrschedError


def read(path: str, text: str) -> dict[str, Any]:
    """``{"arguments": text}``: ``--set NAME=VALUE`` adds ``NAME`` beside it."""
    if "\0" in text:
        raise LrschedError("config", f"{path}: a binary file, not a file of arguments")
    return {"arguments": text}
