"""Test set-up: plain, stable output whatever terminal or CI runs the tests; the golden fixture.

Helpers the tests share are in `helpers` (``pythonpath`` in pyproject.toml puts this folder on
the path), not here: a test imports what it uses.
"""

from __future__ import annotations

import os

# Plain, stable help and errors whatever terminal or CI runs the tests.
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ["TERMINAL_WIDTH"] = "100"
os.environ.pop("GITHUB_ACTIONS", None)
os.environ.pop("FORCE_COLOR", None)

import pytest
from helpers import GOLDEN


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/NAME; LRSCHED_UPDATE_GOLDEN=1 rewrites the file instead."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("LRSCHED_UPDATE_GOLDEN"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        assert path.read_text(encoding="utf-8") == text

    return check
