"""`lrsched trainer detectron2` against Detectron2's own build_lr_scheduler and auto_scale_workers.

Expected rates and rescaled SOLVER values: tests/parity/trainer_detectron2.json, written by
scripts/stack_detectron2_goldens.py (Detectron2's source files from its repository, run on the
real fvcore and torch: get_cfg, merge_from_file, auto_scale_workers, build_optimizer,
build_lr_scheduler, stepped as SimpleTrainer and the LRScheduler hook step it).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_detectron2")
CASES = {case["id"]: case for case in GOLDEN["cases"]}
RUNS = [case for case in GOLDEN["cases"] if "error" not in case]


def _run(case: dict[str, Any], *extra: str) -> Any:
    return lrsched(
        "trainer", "detectron2", "-", "--world-size", str(case["world_size"]), *extra, input=case["yaml"]
    )


@pytest.mark.parametrize("case", RUNS, ids=[c["id"] for c in RUNS])
def test_rates_and_rescaling_are_detectron2s(case: dict[str, Any]) -> None:
    result = _run(case, "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    derived = document["params"]["derived"]
    solver = case["solver"]
    assert derived["total_updates"] == solver["MAX_ITER"]
    assert derived["ims_per_batch"] == solver["IMS_PER_BATCH"]
    assert math.isclose(derived["base_lr"], solver["BASE_LR"], rel_tol=1e-15)
    assert derived["warmup_updates"] == min(solver["WARMUP_ITERS"], solver["MAX_ITER"])
    assert derived["steps"] == solver["STEPS"] or document["params"]["config"][
        "SOLVER.LR_SCHEDULER_NAME"
    ] != ("WarmupMultiStepLR")
    rows = document["rows"]
    assert len(rows) == solver["MAX_ITER"]
    got = [rows[t]["lr"] for t in case["steps"]]
    assert len(got) == len(case["rates"])
    for t, rate, want in zip(case["steps"], got, case["rates"], strict=True):
        assert math.isclose(rate, want, rel_tol=1e-9, abs_tol=1e-18), (t, rate, want)


def test_the_crash_after_the_last_iteration_is_noted() -> None:
    case = CASES["fixed-gamma-raises-after-the-last-iteration"]
    assert case["after_last"].startswith("IndexError")
    result = _run(case)
    assert result.exit_code == 0
    assert "raises IndexError" in result.stderr
    assert all(c["after_last"] is None for c in RUNS if c is not case)


def test_steps_past_max_iter_are_a_note_naming_the_key() -> None:
    result = _run(CASES["steps-past-max-iter-dropped"])
    assert result.exit_code == 0
    assert "note: SOLVER.STEPS: [200] is past MAX_ITER 100, so Detectron2 drops it" in result.stderr
    defaults = _run(CASES["defaults-steps-past-a-short-run"])
    assert "SOLVER.STEPS: [30000] is past MAX_ITER 2000" in defaults.stderr


def test_a_milestone_at_max_iter_is_refused_as_detectron2_refuses_it() -> None:
    case = CASES["a-milestone-at-max-iter-is-refused"]
    assert case["error"].startswith("ValueError: Milestone must be smaller than total number of updates")
    assert_usage_error(_run(case), "SOLVER.STEPS", "Milestone must be smaller than total number of updates")


def test_the_cosine_warmup_never_reaches_base_lr() -> None:
    case = CASES["cosine-peak-below-base-lr"]
    assert max(case["rates"]) < case["solver"]["BASE_LR"]
    result = _run(case)
    assert "SOLVER.RESCALE_INTERVAL is false" in result.stderr


def test_reference_world_size_rescaling_is_shown() -> None:
    result = _run(CASES["reference-world-size-rounds-half-even"], "-q", "-f", "csv")
    assert result.exit_code == 0
    verbose = _run(CASES["reference-world-size-rounds-half-even"])
    assert verbose.stderr.splitlines()[:6] == [
        "scale (auto_scale_workers) = 3 / REFERENCE_WORLD_SIZE 8 = 0.375",
        "IMS_PER_BATCH = round(32 x 0.375) = 12",
        "BASE_LR = 0.04 x 0.375 = 0.015",
        "MAX_ITER = round(1000 / 0.375) = 2667",
        "WARMUP_ITERS = round(100 / 0.375) = 267",
        "STEPS = round([500, 750, 999] / 0.375) = [1333, 2000, 2664]",
    ]
    assert "auto_scale_workers rescales" in verbose.stderr


def test_world_size_without_a_reference_is_a_note() -> None:
    result = _run({**CASES["steps-past-max-iter-dropped"], "world_size": 4})
    assert result.exit_code == 0
    assert (
        "SOLVER.REFERENCE_WORLD_SIZE is 0: IMS_PER_BATCH 16 is the total over the 4 processes"
        in result.stderr
    )


UNSAFE = "VERSION: 2\nSOLVER:\n  BASE_LR: !!python/object/apply:os.system ['echo pwned']\n"


@pytest.mark.parametrize(
    ("yaml", "world", "fragments"),
    [
        ("SOLVER:\n  BASE_LR: 1\n", 1, ["SOLVER.BASE_LR", "Type mismatch", "write 1.0"]),
        ("SOLVER:\n  MAX_ITERS: 100\n", 1, ["SOLVER.MAX_ITERS", "did you mean 'MAX_ITER'"]),
        ("SOLVERS:\n  MAX_ITER: 100\n", 1, ["SOLVERS", "did you mean 'SOLVER'"]),
        ("_BASE_: ../Base-RCNN-FPN.yaml\n", 1, ["_BASE_", "reads one file"]),
        (
            "SOLVER:\n  LR_SCHEDULER_NAME: WarmupPolyLR\n",
            1,
            ["SOLVER.LR_SCHEDULER_NAME", "WarmupMultiStepLR"],
        ),
        ("SOLVER:\n  IMS_PER_BATCH: 16\n", 3, ["SOLVER.IMS_PER_BATCH", "do not split over 3"]),
        ("SOLVER:\n  IMS_PER_BATCH: 12\n  REFERENCE_WORLD_SIZE: 8\n", 4, ["Invalid REFERENCE_WORLD_SIZE"]),
        ("SOLVER:\n  STEPS: (80, 60)\n  MAX_ITER: 100\n", 1, ["SOLVER.STEPS", "Milestone must be smaller"]),
        ("SOLVER:\n  STEPS: 60000\n", 1, ["SOLVER.STEPS", "Type mismatch"]),
        (
            "SOLVER:\n  LR_SCHEDULER_NAME: WarmupCosineLR\n  BASE_LR_END: 0.5\n  BASE_LR: 0.1\n",
            1,
            ["SOLVER.BASE_LR_END", "between 0 and 1"],
        ),
        (
            "SOLVER:\n  WARMUP_METHOD: cosine\n  MAX_ITER: 100\n",
            1,
            ["SOLVER.WARMUP_METHOD", "Unknown warmup method"],
        ),
        (UNSAFE, 1, ["python/object/apply"]),
    ],
)
def test_bad_configs_are_usage_errors_naming_the_key(yaml: str, world: int, fragments: list[str]) -> None:
    result = lrsched("trainer", "detectron2", "-", "--world-size", str(world), input=yaml)
    assert_usage_error(result, *fragments)


def test_set_overrides_a_solver_key_read_as_yacs_reads_it() -> None:
    case = CASES["steps-past-max-iter-dropped"]
    result = _run(case, "--set", "SOLVER.STEPS=(50, 80)", "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["params"]["derived"]["steps"] == [50, 80]
    assert_usage_error(_run(case, "--set", "SOLVER.MAX_ITER=1.5"), "--set", "SOLVER.MAX_ITER")


def test_samples_give_the_epochs_an_endless_sampler_covers() -> None:
    case = CASES["reference-world-size-docstring"]
    result = _run(case, "--samples", "1000", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "epochs (images seen / samples) = 2500 x 32 / 1000 = 80" in result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert {row["epoch"] for row in rows} == {1}  # Detectron2's TrainingSampler has no epochs
