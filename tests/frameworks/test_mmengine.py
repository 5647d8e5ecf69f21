"""`lrsched from` for MMEngine's LR schedulers and its ``param_scheduler`` lists, against MMEngine.

Expected rates: tests/parity/mmengine.json, written by scripts/mmengine_goldens.py (mmengine
0.10.7's ``PARAM_SCHEDULERS.build`` on a torch optimizer, stepped by its ``ParamSchedulerHook``).
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Any

import pytest
from helpers import assert_dialect_error, assert_usage_error, lrsched, parity

from lrsched_cli.frameworks.dispatch import reproduce, supported

GOLDEN = parity("mmengine")


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[case["id"] for case in GOLDEN["cases"]])
def test_rates_are_mmengines(case: dict[str, Any]) -> None:
    reproduction = reproduce(case["expression"], lr=case["lr"])
    assert reproduction.framework == "mmengine"
    got = list(islice(reproduction.rates(case["lr"]), case["rows"]))
    assert len(got) == (case["end"] or case["rows"]), "MMEngine stops stepping there"
    wrong = [
        (row, mine, theirs)
        for row, (mine, theirs) in enumerate(zip(got, case["rates"], strict=True), start=1)
        if not math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-15)
    ]
    assert not wrong, wrong[:5]


def test_every_class_and_the_list_have_goldens() -> None:
    covered = {reproduce(case["expression"], lr=case["lr"]).scheduler for case in GOLDEN["cases"]}
    lists = [case for case in GOLDEN["cases"] if case["expression"].startswith("param_scheduler")]
    classes = {
        reproduce(case["expression"], lr=case["lr"]).scheduler
        for case in GOLDEN["cases"]
        if case not in lists
    }
    assert covered == set(supported()["mmengine"])
    assert "param_scheduler" not in classes and len(lists) >= 4


def test_a_bare_shared_name_stays_pytorchs_and_the_prefix_makes_it_mmengines() -> None:
    torch = reproduce("CosineAnnealingLR(optimizer, T_max=4)", lr=0.1)
    mmengine = reproduce("mmengine.optim.CosineAnnealingLR(optimizer, T_max=4)", lr=0.1)
    assert (torch.framework, mmengine.framework) == ("torch", "mmengine")
    assert reproduce("optim.LinearLR(optimizer, end=5)", lr=0.1).framework == "mmengine"


def test_names_nested_in_an_mmengine_list_resolve_in_mmengine_first() -> None:
    nested = reproduce(
        "[mmengine.optim.LinearLR(optimizer, start_factor=0.1, by_epoch=False, end=5), "
        "CosineAnnealingLR(optimizer, T_max=20, by_epoch=False, begin=5, end=25)]",
        lr=0.01,
    )
    written = reproduce(
        "param_scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=5), "
        "dict(type='CosineAnnealingLR', T_max=20, by_epoch=False, begin=5, end=25)]",
        lr=0.01,
    )
    assert nested.arguments["schedulers"][1]["framework"] == "mmengine"  # type: ignore[index]
    assert list(islice(nested.rates(0.01), 27)) == list(islice(written.rates(0.01), 27))


def test_a_pytorch_scheduler_in_an_mmengine_list_is_refused() -> None:
    assert_dialect_error(
        "param_scheduler([torch.optim.lr_scheduler.StepLR(optimizer, 3)])",
        "param_scheduler[0]",
        "mmengine.optim.StepLR",
        lr=0.1,
    )


def test_half_open_windows_are_noted() -> None:
    result = lrsched(
        "from",
        "mmengine.optim.CosineAnnealingLR(optimizer, T_max=20, begin=5, end=25, by_epoch=False)",
        "--lr",
        "0.1",
        "-n",
        "27",
    )
    assert result.exit_code == 0, result.stderr
    assert "never reaches eta_min (set T_max=19 to end on it)" in result.stderr
    assert "rows past end=25 hold the last rate" in result.stderr
    warmup = lrsched("from", "mmengine.optim.LinearLR(optimizer, start_factor=0.001, end=500)", "--lr", "0.1")
    assert "reaches end_factor at step end - 1 = 499, after 499 increments" in warmup.stderr
    assert "by_epoch=True (MMEngine's default): it lasts 500 epochs" in warmup.stderr
    endless = lrsched("from", "mmengine.optim.LinearLR(optimizer)", "--lr", "0.1", "-n", "3")
    assert "end is not set, so it is MMEngine's INF" in endless.stderr


def test_rows_are_epochs_or_iterations_as_by_epoch_says() -> None:
    epochs = lrsched("from", "mmengine.optim.StepLR(optimizer, 2)", "--lr", "0.1", "-n", "2")
    iterations = lrsched(
        "from", "mmengine.optim.StepLR(optimizer, 2, by_epoch=False)", "--lr", "0.1", "-n", "2"
    )
    assert epochs.stdout.startswith("Epoch 1, ") and iterations.stdout.startswith("Step 1, ")


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("mmengine.optim.LinearLR(optimizer, begin=5, end=5)", "end", "end should be larger than begin"),
        ("mmengine.optim.LinearLR(optimizer, start_factor=1.5)", "start_factor", "between 0 and 1"),
        (
            "mmengine.optim.OneCycleLR(optimizer, eta_max=0.1, total_steps=10, pct_start=1)",
            "pct_start",
            "float",
        ),
        ("mmengine.optim.CosineRestartLR(optimizer, periods=[5])", "eta_min", "exactly one"),
        ("param_scheduler = [dict(type='CosineLR')]", "param_scheduler[0].type", "CosineRestartLR"),
        (
            "param_scheduler = [dict(type='LinearLR', end=5, by_epoch=False), dict(type='StepLR', "
            "step_size=2)]",
            "param_scheduler",
            "epoch_length=N",
        ),
        (
            "param_scheduler = [dict(type='StepLR', step_size=2, convert_to_iter_based=True)]",
            "param_scheduler[0].convert_to_iter_based",
            "epoch_length",
        ),
        ("param_scheduler = [dict(type='ReduceOnPlateauLR')]", "param_scheduler[0]", "lrsched plateau"),
        (
            "param_scheduler = [dict(type='LinearLR', start_factor=2)]",
            "param_scheduler[0].start_factor",
            "between",
        ),
    ],
)
def test_bad_arguments_name_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment, lr=0.1)


def test_a_linear_warmup_from_zero_fails_as_mmengine_does() -> None:
    result = lrsched("from", "mmengine.optim.LinearLR(optimizer, start_factor=0, end=5)", "--lr", "0.1")
    assert_usage_error(result, "LinearLR fails at step 1", "ZeroDivisionError")
