"""What the stream a format is written to can show: colour, and braille.

Colour is for people at a terminal. `colour` is the one rule every format follows: escape codes
only on a terminal stdout, never with NO_COLOR (not even bold), and never in a pipe or a file,
whatever FORCE_COLOR says: their readers are programs (``grep``, ``diff``, ``--check``).
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

OFF = ("0", "false", "no", "none")
"""FORCE_COLOR values that turn colour off, as plotille and other tools read them."""


def colour(out: TextIO) -> bool:
    """Whether to write escape codes to ``out``.

    Only to stdout on a terminal; NO_COLOR (any non-empty value) wins over everything, and
    FORCE_COLOR=0 (or false) turns colour off too. FORCE_COLOR=1 cannot make a pipe or a file
    a terminal: lrsched's people formats stay plain text wherever a program reads them.
    """
    if os.environ.get("NO_COLOR") or os.environ.get("FORCE_COLOR", "").strip().lower() in OFF:
        return False
    return out is sys.stdout and _isatty(out)


def _isatty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # a stream without one, or one already closed
        return False


def encodes(out: TextIO, text: str) -> bool:
    """Whether the stream's encoding can write ``text`` (a stream without one takes any str)."""
    import codecs

    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        codecs.encode(text, encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
