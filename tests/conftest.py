"""Shared test helpers: run lrsched in-process, as a user would type it."""

from __future__ import annotations

import os

# Plain, stable help and errors whatever terminal or CI runs the tests.
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ["TERMINAL_WIDTH"] = "100"
os.environ.pop("GITHUB_ACTIONS", None)
os.environ.pop("FORCE_COLOR", None)

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lrsched_cli.cli.app import app_for

GOLDEN = Path(__file__).parent / "golden"


def lrsched(*args: str, input: str | None = None, catch: bool = False) -> Result:
    """Invoke ``lrsched ARGS`` in-process; exceptions surface (a traceback is a bug)."""
    argv = list(args)
    return CliRunner().invoke(app_for(argv), argv, input=input, prog_name="lrsched", catch_exceptions=catch)


def assert_usage_error(result: Result, *fragments: str) -> None:
    """Exit 2, nothing on stdout, and a message naming what was wrong."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert "Traceback" not in result.stderr


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


def rates_at(expression: str, steps: list[int], lr: float | None = None) -> list[float]:
    """The rates `lrsched from EXPRESSION` reproduces at the given steps t."""
    from itertools import islice

    from lrsched_cli.frameworks.dispatch import reproduce

    rates = list(islice(reproduce(expression, lr=lr).rates(lr), max(steps) + 1))
    return [rates[t] for t in steps]


def assert_dialect_error(expression: str, argument: str, fragment: str, lr: float | None = None) -> None:
    """Reproducing EXPRESSION fails with a DialectError naming ARGUMENT and saying FRAGMENT."""
    from lrsched_cli.frameworks.dispatch import DialectError, reproduce

    with pytest.raises(DialectError) as caught:
        reproduce(expression, lr=lr)
    assert caught.value.argument == argument
    assert fragment in str(caught.value)
