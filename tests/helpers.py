"""Shared test helpers: run lrsched in-process, as a user would type it, and the data folders."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from lrsched_cli.cli.app import app_for

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GOLDEN = TESTS / "golden"
PARITY = TESTS / "parity"
"""Golden vectors from the real frameworks (`scripts/`), one JSON file per source."""
EXAMPLES = TESTS / "examples"


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


def rates_at(expression: str, steps: list[int], lr: float | None = None) -> list[float]:
    """The rates `lrsched from EXPRESSION` reproduces at the given steps t."""
    from lrsched_cli.frameworks.dispatch import reproduce

    rates = list(islice(reproduce(expression, lr=lr).rates(lr), max(steps) + 1))
    return [rates[t] for t in steps]


def assert_dialect_error(expression: str, argument: str, fragment: str, lr: float | None = None) -> None:
    """Reproducing EXPRESSION fails with a DialectError naming ARGUMENT and saying FRAGMENT."""
    from lrsched_cli.errors import DialectError
    from lrsched_cli.frameworks.dispatch import reproduce

    with pytest.raises(DialectError) as caught:
        reproduce(expression, lr=lr)
    assert caught.value.argument == argument
    assert fragment in str(caught.value)


def parity(name: str) -> Any:
    """tests/parity/NAME.json, parsed: a generated golden file (`scripts/`) or ``suites``, the framework
    vectors the tests once held inline (each case with its source, versions and provenance)."""
    return json.loads((PARITY / f"{name}.json").read_text(encoding="utf-8"))
