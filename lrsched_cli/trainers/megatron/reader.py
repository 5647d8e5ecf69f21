"""Megatron-LM launch arguments, read as data: ``shlex`` words, ``#`` comments, never run.

``--name value`` becomes ``{"name": value}``: a flag alone is ``true``, several values a list,
each value a number where it reads as one (as Megatron's argparse types them). A ``$VARIABLE``
the shell would have expanded is refused where lrsched reads it (`derive`).
"""

from __future__ import annotations

import shlex
from typing import Any

from lrsched_cli.errors import LrschedError


def read(path: str, text: str) -> dict[str, Any]:
    """The arguments in ``text`` (the file at ``path``, already read) by name."""
    try:
        words = shlex.split(text.replace("\\\n", " "), comments=True)
    except ValueError as error:
        raise LrschedError("config", f"{path}: not a list of arguments ({error})") from None
    values: dict[str, Any] = {}
    name: str | None = None
    found: list[Any] = []
    for word in [*words, "--"]:
        if word.startswith("--"):
            if name is not None:
                values[name] = True if not found else found[0] if len(found) == 1 else found
            name, found = word[2:] or None, []
            if name is not None and "=" in name:
                name, _, value = name.partition("=")
                found.append(_typed(value))
        elif name is None:
            if not values and not found:  # a launcher and its script before the first argument
                continue
            raise LrschedError("config", f"{path}: {word!r} follows no --argument")
        else:
            found.append(_typed(word))
    return values


def _typed(word: str) -> Any:
    for kind in (int, float):
        try:
            return kind(word)
        except ValueError:
            pass
    return word
