"""`lrsched from`: the issue's torch and Hugging Face examples as written, formats, notes, errors.

Expected rates come from torch 2.13.0 / transformers 5.24.0 stepping the same calls: the issue-*
cases scripts/gen_dialect_goldens.py recorded in tests/parity/torch.json and hf.json (and one rate
those cases do not sample, in tests/parity/suites.json).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

from lrsched_cli.frameworks.hf.schedules import WASTED_FIRST_STEP

COSINE = "CosineAnnealingLR(optimizer, T_max=100, eta_min=1e-5)"
ONE_CYCLE = "torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=100)"
SEQUENTIAL = (
    "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=5), "
    "CosineAnnealingLR(optimizer, T_max=95)], milestones=[5])"
)
HF_BY_NAME = "get_scheduler('cosine', optimizer, num_warmup_steps=100, num_training_steps=1000)"
HF_FUNCTION = "get_cosine_schedule_with_warmup(optimizer, 100, 1000)"


def golden(framework: str, case_id: str) -> dict[int, float]:
    """t -> rate of a case in tests/parity/FRAMEWORK.json (scripts/gen_dialect_goldens.py); the
    steps at or past its ``end`` (where the framework refused to step) have no rate."""
    case = next(c for c in parity(framework)["cases"] if c["id"] == case_id)
    steps = range(case["rows"]) if case["rows"] is not None else case["steps"]
    stepped = [t for t in steps if case["end"] is None or t < case["end"]]
    return dict(zip(stepped, case["rates"], strict=True))


TORCH_COSINE = golden("torch", "issue-cosine")  # COSINE at --lr 0.1
TORCH_ONE_CYCLE = golden("torch", "issue-onecycle")  # ONE_CYCLE
TORCH_SEQUENTIAL = golden("torch", "issue-sequential")  # SEQUENTIAL at --lr 0.1
TIMM_COSINE = golden("timm", "issue-cosine-warmup")  # TIMM at --lr 0.1
TIMM = "CosineLRScheduler(optimizer, t_initial=300, lr_min=1e-5, warmup_t=5, warmup_lr_init=1e-6)"
HF_COSINE = golden("hf", "issue-get-scheduler-cosine")  # HF_BY_NAME at --lr 3e-4
HF_COSINE_T1 = parity("suites")["vectors"]["test_from:hf-cosine-t1"]["rates"][0]  # not among HF_COSINE's t


def rates(*args: str) -> list[float]:
    result = lrsched("from", *args, "-f", "jsonl", "--quiet")
    assert result.exit_code == 0, result.stderr
    return [json.loads(line)["lr"] for line in result.stdout.splitlines()]


def test_cosine_example_runs_one_period_by_default() -> None:
    result = lrsched("from", COSINE, "--lr", "0.1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 101
    assert lines[:2] == ["Epoch 1, Learning Rate: 0.100000", "Epoch 2, Learning Rate: 0.099975"]
    assert lines[-1] == "Epoch 101, Learning Rate: 0.000010"
    assert result.stderr == ""
    assert rates(COSINE, "--lr", "0.1")[50] == pytest.approx(TORCH_COSINE[50], rel=1e-9)


def test_one_cycle_example_stops_after_its_extrapolated_step() -> None:
    got = rates(ONE_CYCLE, "-n", "1005")
    assert len(got) == 1001
    assert got[0] == pytest.approx(TORCH_ONE_CYCLE[0], rel=1e-9)
    assert got[299] == pytest.approx(TORCH_ONE_CYCLE[299], rel=1e-9)
    assert got[999] == pytest.approx(TORCH_ONE_CYCLE[999], rel=1e-9)
    assert got[1000] == pytest.approx(TORCH_ONE_CYCLE[1000], rel=1e-9)
    result = lrsched("from", ONE_CYCLE, "-n", "1005", "-f", "csv")
    assert "torch refuses to step further" in result.stderr
    assert result.stdout.count("\n") == 1002  # header + 1001 rows


def test_sequential_example() -> None:
    got = rates(SEQUENTIAL, "--lr", "0.1")
    assert len(got) == 101
    assert got[:6] == pytest.approx([TORCH_SEQUENTIAL[t] for t in range(6)], rel=1e-9)
    assert got[50] == pytest.approx(TORCH_SEQUENTIAL[50], rel=1e-9)
    assert got[100] == TORCH_SEQUENTIAL[100]


@pytest.mark.parametrize("expression", [HF_BY_NAME, HF_FUNCTION])
def test_hugging_face_examples(expression: str) -> None:
    result = lrsched("from", expression, "--lr", "3e-4", "-f", "jsonl")
    assert result.exit_code == 0
    got = [json.loads(line)["lr"] for line in result.stdout.splitlines()]
    assert len(got) == 1000
    assert got[0] == HF_COSINE[0]
    assert got[1] == pytest.approx(HF_COSINE_T1, rel=1e-9)
    assert got[100] == pytest.approx(HF_COSINE[100], rel=1e-9)
    assert got[550] == pytest.approx(HF_COSINE[550], rel=1e-9)
    assert got[999] == pytest.approx(HF_COSINE[999], rel=1e-9)
    assert result.stderr == f"note: {WASTED_FIRST_STEP}\n"


def test_quiet_silences_notes() -> None:
    result = lrsched("from", COSINE, "--lr", "0.1", "-n", "150", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""
    loud = lrsched("from", COSINE, "--lr", "0.1", "-n", "150")
    assert "climbs back" in loud.stderr
    assert loud.stdout == result.stdout


def test_json_params_record_the_call() -> None:
    result = lrsched("from", "StepLR(optimizer, 2)", "--lr", "0.5", "-n", "3", "-f", "json")
    assert json.loads(result.stdout) == {
        "schedule": "from",
        "params": {
            "framework": "torch",
            "scheduler": "StepLR",
            "expression": "StepLR(optimizer, 2)",
            "arguments": {"optimizer": "optimizer", "step_size": 2, "gamma": 0.1, "last_epoch": -1},
            "lr": 0.5,
            "steps_per_epoch": None,
        },
        "rows": [{"epoch": 1, "lr": 0.5}, {"epoch": 2, "lr": 0.5}, {"epoch": 3, "lr": 0.05}],
    }


def test_a_line_pasted_from_training_code_with_its_names() -> None:
    pasted = (
        "self.scheduler = get_scheduler(SchedulerType.COSINE, self.optimizer, "
        "num_warmup_steps=math.ceil(0.1 * args.steps), num_training_steps=args.steps,)"
    )
    got = rates(pasted, "--lr", "3e-4", "--let", "args.steps=1000", "-n", "1000")
    assert got[100] == pytest.approx(HF_COSINE[100], rel=1e-9)
    assert got[550] == pytest.approx(HF_COSINE[550], rel=1e-9)
    result = lrsched("from", pasted, "--lr", "3e-4", "--let", "args.steps=1000", "-n", "2", "-f", "json")
    assert json.loads(result.stdout)["params"]["arguments"]["num_warmup_steps"] == 100


@pytest.mark.parametrize(
    ("expression", "notes"),
    [
        (
            "get_linear_schedule_with_warmup(optimizer, num_warmup_steps=0.1, num_training_steps=3000)",
            ["get_linear_schedule_with_warmup: num_warmup_steps=0.1 counts steps"],
        ),
        (
            "get_scheduler('linear', optimizer, 0.06, 3000)",
            ["get_scheduler: num_warmup_steps=0.06 counts steps"],
        ),
        (
            "SequentialLR(optimizer, [LinearLR(optimizer, total_iters=0.5), StepLR(optimizer, 0.25)], [5])",
            ["LinearLR: total_iters=0.5 counts steps", "StepLR: step_size=0.25 counts steps"],
        ),
        (
            "optax.warmup_cosine_decay_schedule(0.0, 0.1, 0.05, 100)",
            ["warmup_cosine_decay_schedule: warmup_steps=0.05 counts steps"],
        ),
        ("CosineLRScheduler(optimizer, 100, warmup_t=0.1)", ["CosineLRScheduler: warmup_t=0.1 counts steps"]),
        ("keras.optimizers.schedules.CosineDecay(0.1, 0.9)", ["CosineDecay: decay_steps=0.9 counts steps"]),
    ],
)
def test_a_float_below_one_where_steps_are_counted_gets_a_note(expression: str, notes: list[str]) -> None:
    result = lrsched("from", expression, "--lr", "0.1", "-n", "2")
    assert result.exit_code == 0, result.stderr
    for note in notes:
        assert f"note: {note}: a ratio given where steps are expected?\n" in result.stderr


@pytest.mark.parametrize(
    "expression",
    [
        "get_linear_schedule_with_warmup(optimizer, 300, 3000)",
        "get_linear_schedule_with_warmup(optimizer, 0.0, 3000)",
        "get_linear_schedule_with_warmup(optimizer, 1.5, 3000)",
        "StepLR(optimizer, 3, gamma=0.5)",
    ],
)
def test_whole_step_counts_get_no_ratio_note(expression: str) -> None:
    assert "ratio" not in lrsched("from", expression, "--lr", "0.1", "-n", "2").stderr


@pytest.mark.parametrize(
    ("expression", "shown"),
    [
        # a list of lambdas once showed `Lambda(..., body=<ast.BinOp object at 0x...>)`
        ("LambdaLR(optimizer, [lambda e: 1, lambda e: 0.5 * e])", "got [`lambda e: 1`, `lambda e: 0.5 * e`]"),
        ("MultiStepLR(optimizer, [10, optimizer])", "no value: optimizer"),
        ("ChainedScheduler([StepLR(optimizer, 2), [StepLR(optimizer, 3)]])", "got [a StepLR scheduler]"),
        # arithmetic as written, with its value
        ("LinearLR(optimizer, start_factor=1 / 0.9)", "got `1 / 0.9` (= 1.1111111111111112)"),
        ("StepLR(optimizer, step_size=STEP)", "got 'ten'"),
        # optax's own message shows decay_steps - warmup_steps, once -15.169999999999998
        (
            "optax.warmup_cosine_decay_schedule(0.0, 0.1, 17.83, 2.66)",
            "got decay_steps=2.66 not above warmup_steps=17.83",
        ),
    ],
)
def test_errors_show_what_was_written(expression: str, shown: str) -> None:
    result = lrsched("from", expression, "--lr", "0.1", "--let", "STEP='ten'")
    assert_usage_error(result, shown)
    assert "object at 0x" not in result.stderr


@pytest.mark.parametrize(
    ("expression", "note"),
    [
        # float32 noise: Keras holds values[0] as 0.10000000149011612
        ("keras.optimizers.schedules.PiecewiseConstantDecay([2], [0.1, 0.01])", "step 2 still has 0.1\n"),
        (
            "get_wsd_schedule(optimizer, 1.1, 2.07, num_stable_steps=12)",
            "(num_warmup_steps=1.1 + num_stable_steps=12 + num_decay_steps=2.07)",
        ),
        ("get_linear_schedule_with_warmup(optimizer, 2, 3 * 2)", "(num_training_steps=`3 * 2` (= 6))"),
        (
            "MultiStepLRScheduler(optimizer, [15.17, 30], 0.5)",
            "(milestone 15.17 applies from the step before it)",
        ),
        ("CosineAnnealingLR(optimizer, T_max=EPOCHS)", "after T_max=`EPOCHS` (= 4) the rate climbs back"),
    ],
)
def test_notes_show_what_was_written(expression: str, note: str) -> None:
    result = lrsched("from", expression, "--lr", "0.1", "-n", "40", "--let", "EPOCHS=4")
    assert result.exit_code == 0, result.stderr
    assert note in result.stderr


def test_steps_per_epoch_holds_each_epochs_rate_for_its_steps() -> None:
    result = lrsched("from", COSINE, "--lr", "0.1", "--steps-per-epoch", "3", "-n", "60", "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 180
    assert rows[:4] == [
        {"epoch": 1, "step": 1, "lr": 0.1},
        {"epoch": 1, "step": 2, "lr": 0.1},
        {"epoch": 1, "step": 3, "lr": 0.1},
        {"epoch": 2, "step": 4, "lr": rows[3]["lr"]},
    ]
    assert rows[3]["lr"] == pytest.approx(TORCH_COSINE[1], rel=1e-9)
    assert [row["lr"] for row in rows[150:153]] == pytest.approx([TORCH_COSINE[50]] * 3, rel=1e-9)
    # by default the natural length in epochs, T_max + 1, each of K steps
    assert len(rates(COSINE, "--lr", "0.1", "--steps-per-epoch", "2")) == 202


def test_steps_per_epoch_for_timm_stepped_per_epoch() -> None:
    got = rates(TIMM, "--lr", "0.1", "--steps-per-epoch", "4", "-n", "10")
    assert len(got) == 40
    assert got[:5] == pytest.approx([TIMM_COSINE[0]] * 4 + [TIMM_COSINE[1]], rel=1e-9)
    assert got[36:] == pytest.approx([TIMM_COSINE[9]] * 4, rel=1e-9)
    result = lrsched("from", TIMM, "--lr", "0.1", "--steps-per-epoch", "4", "-n", "1", "-f", "json")
    assert json.loads(result.stdout)["params"]["steps_per_epoch"] == 4


@pytest.mark.parametrize(
    "expression",
    [
        HF_FUNCTION,
        HF_BY_NAME,
        "CosineLRScheduler(optimizer, t_initial=300, t_in_epochs=False)",
        "keras.optimizers.schedules.CosineDecay(0.1, 100)",
        "optax.cosine_decay_schedule(0.1, 100)",
    ],
)
def test_steps_per_epoch_is_refused_where_the_framework_steps_per_update(expression: str) -> None:
    result = lrsched("from", expression, "--lr", "0.1", "--steps-per-epoch", "10")
    assert_usage_error(
        result, "'--steps-per-epoch'", "stepped once per optimizer update", "rows are steps already"
    )


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make `from` count the rates its reproduction computes (one number per run of rates)."""

    from lrsched_cli.cli import from_

    counted: list[int] = []
    real = from_.reproduce  # type: ignore[attr-defined]

    def reproduce(*args: Any, **kwargs: Any) -> Any:
        reproduction = real(*args, **kwargs)

        def rates(lr: float | None) -> Iterator[float]:
            counted.append(0)
            for rate in reproduction.rates(lr):
                counted[-1] += 1
                yield rate

        return reproduction._replace(rates=rates)

    monkeypatch.setattr(from_, "reproduce", reproduce)
    return counted


def test_rows_are_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = _counting(monkeypatch)
    result = lrsched("from", COSINE, "--lr", "0.1", "-n", "20000", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 20001
    assert sum(counted) == 20000


def test_rows_past_what_is_held_are_computed_again_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    from lrsched_cli.cli import from_

    monkeypatch.setattr(from_, "HELD_ROWS", 5000)  # memory stays flat: rates past it are not kept
    counted = _counting(monkeypatch)
    result = lrsched("from", COSINE, "--lr", "0.1", "-n", "20000", "-f", "csv")
    assert result.stdout.count("\n") == 20001
    assert counted == [20000, 20000]


def test_default_rows_without_a_natural_length() -> None:
    assert len(rates("StepLR(optimizer, 2)", "--lr", "0.5")) == 30


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["StepLR(optimizer, 10)"], ["'--lr'", "give it with --lr"]),
        ([COSINE, "--lr", "-0.1"], ["'--lr'", "at least 0"]),
        ([COSINE, "--lr", "nan"], ["finite"]),
        (["StepLR(optimizer, EPOCHS // 3, G)", "--lr", "0.1"], ["'EXPR'", "names have no value: EPOCHS, G"]),
        (
            ["StepLR(optimizer, 3)", "--lr", "0.1", "--let", "x"],
            ["'--let'", "expected NAME=VALUE", "got 'x'"],
        ),
        (["CosineAnealingLR(optimizer, T_max=10)", "--lr", "0.1"], ["did you mean CosineAnnealingLR"]),
        (["StepLR(optimizer, step_size='ten')", "--lr", "0.1"], ["step_size: expected a number, got 'ten'"]),
        (["LinearLR(optimizer, start_factor=0)", "--lr", "0.1"], ["start_factor", "got 0"]),
        (["get_scheduler('cosine', optimizer, 10)", "--lr", "0.1"], ["requires `num_training_steps`"]),
        (["get_scheduler('reduce_lr_on_plateau', optimizer)", "--lr", "0.1"], ["lrsched plateau"]),
        (["LambdaLR(optimizer, lambda e: 1 / (e - 2))", "--lr", "0.1"], ["division by zero"]),
        # Failing part-way through a long run: the error still leaves stdout empty.
        (
            ["LambdaLR(optimizer, lambda e: 1 / (e - 20000))", "--lr", "0.1", "-n", "20001"],
            ["e=20000", "division by zero"],
        ),
        (["StepLR(optimizer, 3, gamma=1e300)", "--lr", "0.1", "-n", "20001"], ["'EXPR'", "row 7 is inf"]),
        (["StepLR(optimizer, step_size=1, step_size=2)", "--lr", "0.1"], ["keyword argument repeated"]),
        (["LambdaLR(optimizer, lambda e: (10 ** 4000) ** 4000)", "--lr", "0.1"], ["failed at e=0"]),
        # Counts past 64 bits: a range, not a traceback from islice.
        (
            ["StepLR(optimizer, 3)", "--lr", "0.1", "-n", "9223372036854775808"],
            ["'--epochs'", "at most 9007199254740992", "got 9223372036854775808"],
        ),
        (
            ["CosineAnnealingLR(optimizer, 9223372036854775807)", "--lr", "0.1"],
            ["'EXPR'", "9223372036854775808 steps", "give --epochs"],
        ),
        (
            ["CosineAnnealingLR(optimizer, 9223372036854775808)", "--lr", "0.1"],
            ["`9223372036854775808` is out of range", "within -9223372036854775807 to 9223372036854775807"],
        ),
        (["StepLR(optimizer, -1" + "0" * 400 + ")", "--lr", "0.1"], ["out of range", "(402 characters)"]),
    ],
)
def test_errors_are_usage_errors(args: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched("from", *args), *fragments)
