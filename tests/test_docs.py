"""The README tells the truth about the commands: every schedule is documented there."""

from __future__ import annotations

import pytest
from helpers import ROOT

from lrsched_cli.registry import SCHEDULES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_exactly_the_two_commands() -> None:
    block = README.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == [
        "pip install . && lrsched step --lr 0.1 --step-size 10",
        'pip install ".[test]" && pytest',
    ]


@pytest.mark.parametrize("name", SCHEDULES)
def test_every_schedule_has_an_example_in_the_readme(name: str) -> None:
    assert f"lrsched {name} " in README
    assert f"| `{name}` |" in README
