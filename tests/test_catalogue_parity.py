"""Every generic schedule command against the real frameworks' numbers (tests/parity/catalogue.json).

The file is written by scripts/gen_catalogue_goldens.py from torch, transformers, timm (float64,
compared at a relative 1e-9) and Keras, optax (float32, at 1e-6); the frameworks are not needed here.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import PARITY, ROOT, lrsched

from lrsched_cli.registry import SCHEDULES

CATALOGUE = json.loads((PARITY / "catalogue.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = CATALOGUE["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_generic_command_matches_the_framework(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # metric files in the argv are relative to the repository
    result = lrsched(*case["argv"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    rates = [row["lr"] for row in json.loads(result.stdout)["rows"]]
    expected = case["rates"]
    assert len(rates) == len(expected)
    wrong = [
        (row, got, want)
        for row, (got, want) in enumerate(zip(rates, expected), start=1)
        if not math.isclose(got, want, rel_tol=case["rtol"], abs_tol=case["atol"])
    ]
    assert not wrong, f"(row, lrsched, {case['framework']}) first of {len(wrong)}: {wrong[:5]}"


def test_every_schedule_command_has_parity_cases() -> None:
    missing = set(SCHEDULES) - {case["argv"][0] for case in CASES}
    assert not missing, f"add cases to scripts/catalogue_cases/ and regenerate: {sorted(missing)}"


def test_the_file_says_which_frameworks_made_it() -> None:
    assert {"torch", "transformers", "keras", "optax", "timm"} <= set(CATALOGUE["versions"])


@pytest.mark.parametrize("framework", ["torch", "transformers", "timm", "keras", "optax"])
def test_each_framework_is_compared_at_its_precision(framework: str) -> None:
    tolerances = {case["rtol"] for case in CASES if case["framework"] == framework}
    assert tolerances == ({1e-6} if framework in ("keras", "optax") else {1e-9})
