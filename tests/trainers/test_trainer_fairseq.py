"""`lrsched trainer fairseq` against fairseq's own schedulers stepped as its trainer steps them.

Expected rates: tests/parity/trainer_fairseq.json, written by scripts/stack_fairseq_goldens.py
(fairseq's lr_scheduler files from its repository; each case's argument file, and the config
fairseq's argparse gives the scheduler for it, written out in the case).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_fairseq")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


def _run(arguments: str, *extra: str) -> Any:
    return lrsched("trainer", "fairseq", "-", *extra, input=arguments)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_are_fairseqs(case: dict[str, Any]) -> None:
    result = _run(case["arguments"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["params"]["scheduler"].startswith(case["schedule"] + "(")
    assert document["params"]["derived"]["total_updates"] == case["max_update"]
    rows = document["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-18), (row, want)


def test_the_issues_line_derivation() -> None:
    result = _run(CASES["issue-inverse-sqrt"]["arguments"])
    assert result.stderr.splitlines() == [
        "updates = --max-update = 12000",
        "batches per update = --update-freq 8 (already counted in the updates)",
    ]


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ("--lr-scheduler inverse_sqrt --lr 5e-4 --max-update 100", "--warmup-updates is not given"),
        ("--lr-scheduler polynomial_decay --lr 5e-4 --max-update 100", "default power 1.0 decays linearly"),
        (
            "--lr-scheduler inverse_sqrt --lr 5e-4 --max-update 100 --warmup-updates 10",
            "the first row's rate is 0",
        ),
        (
            "--lr-scheduler cosine --lr 5e-4 --max-update 100 --max-epoch 3",
            "--max-epoch: training also stops",
        ),
    ],
)
def test_traps_are_noted(arguments: str, fragment: str) -> None:
    result = _run(arguments)
    assert result.exit_code == 0, result.stderr
    assert fragment in result.stderr


def test_set_gives_an_argument() -> None:
    base = "--lr-scheduler inverse_sqrt --lr 5e-4 --max-update 20 --warmup-updates 4000"
    result = _run(base, "--set", "warmup_updates=10", "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert "warmup_updates=10" in json.loads(result.stdout)["params"]["scheduler"]


@pytest.mark.parametrize(
    ("arguments", "fragments"),
    [
        ("--lr-scheduler inverse_sqrt --lr 5e-4", ["--max-update", "fairseq's default"]),
        ("--lr-scheduler inverse_sqr --max-update 10", ["--lr-scheduler", "did you mean 'inverse_sqrt'"]),
        (
            "--lr-scheduler tri_stage --max-update 10 --warmup-updates 5",
            ["--warmup-updates", "not an option"],
        ),
        (
            "--lr-scheduler step --max-update 10 --lr-decay-period 5",
            ["--lr-decay-period", "--lr-deacy-period"],
        ),
        ("--lr-scheduler fixed --max-update 10 --lr 0.1,0.01", ["--lr", "one per epoch"]),
        ("--lr-scheduler fixed --max-update 10 --force-anneal 3", ["--force-anneal", "epoch boundaries"]),
        (
            "--lr-scheduler inverse_sqrt --max-update 10 --warmup-updates ten",
            ["--warmup-updates", "expected a number"],
        ),
        ("--lr-scheduler inverse_sqrt --max-update 10 --warmup-updates 2.5", ["--warmup-updates", "integer"]),
        (
            "--lr-scheduler tri_stage --max-update 10 --phase-ratio '(0.7, 0.2, 0.1)'",
            ["--phase-ratio", "add up to 1"],
        ),
        ("--lr-scheduler reduce_lr_on_plateau --max-update 10", ["--lr-scheduler", "lrsched plateau"]),
        ("--lr-scheduler 'inverse_sqrt --max-update 10", ["do not parse"]),
        ("--max-update __import__('os').system('true')", ["--max-update", "expected an integer"]),
        ("--max-update 10 --lr -0.5", ["--lr", "at least 0"]),
        ("--max-update 99999999999999999999", ["more rows than lrsched can count"]),
    ],
)
def test_bad_arguments_are_usage_errors_naming_them(arguments: str, fragments: list[str]) -> None:
    assert_usage_error(_run(arguments), *fragments)
