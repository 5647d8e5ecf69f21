"""`lrsched trainer mmengine` against the real MMEngine Runner, and its config reading.

Expected rates and counts: tests/parity/trainer_mmengine.json, written by
scripts/mmengine_goldens.py (mmengine 0.10.7's Runner trained on CPU over each case's files).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

from lrsched_cli.trainers import Run, derive

GOLDEN = parity("trainer_mmengine")
CASES = {case["id"]: case for case in GOLDEN["cases"]}
REFERENCE = CASES["reference-warmup-and-converted-cosine"]


def _files(folder: Path, case: dict[str, Any]) -> Path:
    for name, text in case["files"].items():
        (folder / name).write_text(text)
    return folder / "config.py"


def _run(config: Path, case: dict[str, Any], *extra: str) -> Any:
    sizes = ["--samples", str(case["samples"]), "--world-size", str(case["world_size"])]
    return lrsched("trainer", "mmengine", str(config), *sizes, *extra)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_and_counts_are_the_runners(case: dict[str, Any], tmp_path: Path) -> None:
    result = _run(_files(tmp_path, case), case, "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    derived = document["params"]["derived"]
    assert derived["batches_per_epoch"] == case["batches_per_epoch"]
    assert derived["iterations"] == case["iterations"]
    assert derived["total_updates"] == case["total_updates"]
    rows = document["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-15), (row, want)
    if case["id"] != "accumulation-across-epochs-drop-last":  # windows span epochs: labels approximate
        assert [row["epoch"] for row in rows] == case["epochs"]


def test_the_derivation_and_the_half_open_cosine(tmp_path: Path) -> None:
    result = _run(_files(tmp_path, REFERENCE), REFERENCE)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        "batches per process per epoch = ceil(50 / 8) = 7",
        "iterations = 12 x 7 = 84",
    ]
    assert "never reaches eta_min" in result.stderr


def test_the_config_is_read_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "config.py").write_text(
        REFERENCE["files"]["config.py"] + f"import os\nos.system('touch {marker}')\n"
    )
    result = _run(tmp_path / "config.py", REFERENCE)
    assert_usage_error(result, "line 9", "`import os`", "would execute")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("line", "fragments"),
    [
        ("train_cfg = dict(max_epochs=__import__('os').getpid())", ["line 9", "a call"]),
        ("lr = [x for x in range(3)]", ["line 9", "an expression"]),
        ("optim_wrapper = dict(optimizer=dict(lr=base_lr))", ["`base_lr` is not assigned"]),
        ("from mmengine.config import read_base", ["a statement"]),
    ],
)
def test_anything_but_data_is_refused(line: str, fragments: list[str], tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(REFERENCE["files"]["config.py"] + line + "\n")
    assert_usage_error(_run(tmp_path / "config.py", REFERENCE), *fragments)


def test_base_files_merge_and_delete_replaces(tmp_path: Path) -> None:
    case = CASES["base-file-epoch-steps-default-end"]
    config = _files(tmp_path, case)
    config.write_text(config.read_text() + "optim_wrapper = dict(optimizer=dict(_delete_=True, lr=0.2))\n")
    result = _run(config, case, "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["params"]["config"]["optim_wrapper.optimizer.lr"] == 0.2
    assert document["rows"][0]["lr"] == 0.2


def test_set_overrides_the_python_config(tmp_path: Path) -> None:
    result = _run(_files(tmp_path, REFERENCE), REFERENCE, "--set", "train_cfg.max_epochs=2", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["params"]["derived"]["iterations"] == 14


@pytest.mark.parametrize(
    ("replace", "by", "fragments"),
    [
        ("start_factor=0.001", "start_factor=1.5", ["param_scheduler[0].start_factor", "between 0 and 1"]),
        ("type='LinearLR'", "type='LinearLRX'", ["param_scheduler[0].type", "LinearLR"]),
        ("max_epochs=12", "max_epoch=12", ["train_cfg.max_epochs"]),
        ("batch_size=8", "batch_size='8x'", ["train_dataloader.batch_size"]),
        ("by_epoch=False, begin=0, end=10", "by_epoch=False, begin=10, end=10", ["param_scheduler[0].end"]),
    ],
)
def test_bad_values_are_usage_errors_naming_the_key(
    replace: str, by: str, fragments: list[str], tmp_path: Path
) -> None:
    (tmp_path / "config.py").write_text(REFERENCE["files"]["config.py"].replace(replace, by))
    assert_usage_error(_run(tmp_path / "config.py", REFERENCE), *fragments)


def test_an_epoch_scheduler_in_an_iteration_loop_is_refused(tmp_path: Path) -> None:
    case = CASES["iter-based-loop"]
    config = _files(tmp_path, case)
    config.write_text(
        config.read_text().replace(
            "dict(type='CosineAnnealingLR', by_epoch=False", "dict(type='CosineAnnealingLR'"
        )
    )
    assert_usage_error(_run(config, case), "param_scheduler[1].by_epoch", "IterBasedTrainLoop")


def test_auto_scale_lr_scales_the_rate(tmp_path: Path) -> None:
    config = _files(tmp_path, REFERENCE)
    config.write_text(config.read_text() + "auto_scale_lr = dict(enable=True, base_batch_size=16)\n")
    result = _run(config, REFERENCE, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert math.isclose(json.loads(result.stdout)["params"]["lr"], 0.01)
    assert "lr (auto_scale_lr) = 0.02 x 1 x 8 / 16 = 0.01" in result.stderr


@pytest.mark.parametrize("accumulation", [1, 2, 3, 4, 7, 100])
@pytest.mark.parametrize(("epochs", "samples"), [(1, 8), (2, 50), (3, 57), (12, 50)])
def test_each_update_steps_to_its_windows_last_iteration(
    accumulation: int, epochs: int, samples: int
) -> None:
    config = {
        "param_scheduler": [
            {"type": "LinearLR", "start_factor": 0.1, "by_epoch": False, "begin": 0, "end": 5}
        ],
        "train_cfg": {"type": "EpochBasedTrainLoop", "max_epochs": epochs},
        "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.02}, "accumulative_counts": accumulation},
        "train_dataloader": {"batch_size": 8},
    }
    derivation = derive("mmengine", config, Run(samples=samples, world_size=1, batch_size=None, version=None))
    iterations = epochs * -(-samples // 8)
    # the Runner's loop, one iteration at a time: the optimizer steps when a window of
    # accumulative_counts iterations ends, or at the last iteration
    want = [i - 1 for i in range(1, iterations + 1) if i % accumulation == 0 or i == iterations]
    assert derivation.steps is not None
    assert list(derivation.steps()) == want
    assert derivation.total_updates == len(want)
