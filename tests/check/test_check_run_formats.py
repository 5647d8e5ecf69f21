"""``--check-run`` on every log format it reads, each from a real run (tests/runlogs, written by
scripts/run_log_fixtures.py): Lightning's metrics.csv, MMEngine's scalars.json, TensorBoard
event files from the transformers Trainer and from Lightning.

The Lightning runs: SGD 0.1, CosineAnnealingLR(T_max=24), 48 samples, batch 4, accumulation 2
(6 updates an epoch), 4 epochs, LearningRateMonitor every micro-batch; stepped per update
(``interval: step``) and, in lightning-epoch, per epoch (the default). The MMEngine run: 20
iterations, SGD 0.1, LinearLR(start_factor=0.1) over [0, 4), then CosineAnnealingLR(T_max=16)
over [4, 20).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import TESTS, assert_usage_error, lrsched

RUNS = TESTS / "runlogs"
CSV = str(RUNS / "lightning-step" / "metrics.csv")
CSV_EPOCH = str(RUNS / "lightning-epoch" / "metrics.csv")
SCALARS = str(RUNS / "mmengine" / "scalars.json")
TB_HF = str(RUNS / "hf-cosine-log1" / "events.out.tfevents.hf-cosine-log1")
TB_HF5 = str(RUNS / "hf-cosine-log5" / "events.out.tfevents.hf-cosine-log5")
TB_HF448 = str(RUNS / "hf-4.48-cosine-log1" / "events.out.tfevents.hf-4.48-cosine-log1")
TB_LIGHTNING = str(RUNS / "lightning-step" / "events.out.tfevents.lightning-step")
MLFLOW = str(RUNS / "hf-mlflow")
"""A real transformers Trainer run (the hf-cosine-log1 config) reported to an MLflow file store."""
MLFLOW_METRIC = str(RUNS / "hf-mlflow" / "metrics" / "learning_rate")
WANDB_HISTORY = str(RUNS / "wandb" / "history.csv")
WANDB_PANEL = str(RUNS / "wandb" / "panel.csv")
"""Built from the real hf-cosine-log1 log in W&B's documented layouts (see the script)."""

COSINE24 = ["from", "CosineAnnealingLR(optimizer, T_max=24)", "--lr", "0.1", "-n", "24", "-q"]
MMENGINE = [
    "from",
    "SequentialLR(optimizer, [LinearLR(optimizer, start_factor=0.1, total_iters=3), "
    "CosineAnnealingLR(optimizer, T_max=16)], milestones=[4])",
    "--lr", "0.1", "-n", "20", "-q",
]  # fmt: skip
HF = [
    "trainer", "hf", "-q", "--samples", "40",
    "--set", "learning_rate=0.1", "--set", "lr_scheduler_type=cosine", "--set", "warmup_steps=3",
    "--set", "per_device_train_batch_size=4", "--set", "num_train_epochs=3",
]  # fmt: skip
LIGHTNING_CONFIG = """\
trainer: {max_epochs: 4, accumulate_grad_batches: 2}
optimizer: {lr: 0.1}
lr_scheduler: {scheduler: "CosineAnnealingLR(optimizer, T_max=24)", interval: step}
"""


@pytest.fixture
def lightning(tmp_path: Path) -> list[str]:
    config = tmp_path / "lightning.yaml"
    config.write_text(LIGHTNING_CONFIG)
    return ["trainer", "lightning", str(config), "--samples", "48", "--batch-size", "4", "-q"]


def _diagnosis(stderr: str) -> str:
    return next(line.strip() for line in stderr.splitlines() if line.strip().startswith("diagnosis"))


@pytest.mark.parametrize(
    ("argv", "log", "said"),
    [
        (COSINE24, CSV, f"48 points of lr-SGD from {CSV} match the plan (relative 1e-09)"),
        (COSINE24, str(RUNS / "lightning-step"), "48 points of lr-SGD from"),
        (MMENGINE, SCALARS, f"20 points of lr from {SCALARS} match the plan (relative 1e-09)"),
        (MMENGINE, str(RUNS / "mmengine"), "20 points of lr from"),
        (HF, TB_HF, "30 points of train/learning_rate from"),
        (HF, TB_HF5, "6 points of train/learning_rate from"),
        (
            COSINE24,
            TB_LIGHTNING,
            "(TensorBoard events) match the plan (float32: half a unit in the last place)",
        ),
    ],
)
def test_the_plan_the_run_trained_with_passes(argv: list[str], log: str, said: str) -> None:
    result = lrsched(*argv, "--check-run", log)
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    assert said in result.stderr


def test_lightning_trainer_config_passes(lightning: list[str]) -> None:
    result = lrsched(*lightning, "--check-run", CSV)
    assert result.exit_code == 0, result.stderr


def test_a_scheduler_stepped_per_epoch_is_diagnosed(lightning: list[str]) -> None:
    result = lrsched(*lightning, "--check-run", CSV_EPOCH)
    assert result.exit_code == 1
    assert _diagnosis(result.stderr).startswith(
        "diagnosis: the scheduler stepped once per epoch (6 updates) instead of once per update"
    )
    assert "set 'interval': 'step'" in result.stderr
    generic = lrsched(*COSINE24, "--check-run", CSV_EPOCH)
    assert "stepped once every 6 updates (once per epoch, if an epoch is 6 updates" in _diagnosis(
        generic.stderr
    )
    held = [
        "from",
        "CosineAnnealingLR(optimizer, T_max=24)",
        "--lr",
        "0.1",
        "-n",
        "4",
        "--steps-per-epoch",
        "6",
    ]
    assert lrsched(*held, "--check-run", CSV_EPOCH).exit_code == 0  # each epoch's rate held for its steps
    spread = lrsched("cosine", "--lr", "0.1", "--t-max", "4", "-n", "4", "--steps-per-epoch", "6",
                     "--check-run", CSV_EPOCH)  # fmt: skip
    assert _diagnosis(spread.stderr).startswith("diagnosis: the scheduler stepped once per epoch (6 updates)")


def test_lightning_accumulation_is_rederived(tmp_path: Path) -> None:
    """Sized by estimated_stepping_batches (24 updates with accumulation 2, as the run had), a
    plan with accumulation 1 has T_max 48: the diagnosis names the key the run's value fits."""
    config = tmp_path / "lightning.yaml"
    config.write_text(
        "trainer: {max_epochs: 4, accumulate_grad_batches: 1}\noptimizer: {lr: 0.1}\nlr_scheduler: "
        '{scheduler: "CosineAnnealingLR(optimizer, T_max=estimated_stepping_batches)", interval: step}\n'
    )
    argv = [
        "trainer",
        "lightning",
        str(config),
        "--samples",
        "48",
        "--batch-size",
        "4",
        "-q",
        "--check-run",
        CSV,
    ]
    result = lrsched(*argv)
    assert result.exit_code == 1
    assert "a gradient accumulation of 2, not 1 (--set trainer.accumulate_grad_batches=2)" in _diagnosis(
        result.stderr
    )
    assert lrsched(*argv, "--set", "trainer.accumulate_grad_batches=2").exit_code == 0


def test_lightning_steps_are_0_based() -> None:
    """Row k is Lightning's step k - 1: the rows shifted the other way fail."""
    result = lrsched(*COSINE24, "--check-run", CSV)
    assert "step = updates done before this batch (0-based, row = step + 1)" not in result.stderr
    wrong = lrsched("from", "CosineAnnealingLR(optimizer, T_max=24)", "--lr", "0.1", "-n", "25", "-q",
                    "--check-run", CSV, "--tag", "lr-SGD", "--rtol", "0")  # fmt: skip
    assert wrong.exit_code == 0  # 25 rows: the last logged step, 23, is row 24


def test_tensorboard_is_compared_at_float32() -> None:
    """The event file holds 0.1 as 0.10000000149011612: exact comparison fails, the default passes."""
    assert lrsched(*COSINE24, "--check-run", TB_LIGHTNING).exit_code == 0
    exact = lrsched(*COSINE24, "--check-run", TB_LIGHTNING, "--rtol", "0")
    assert exact.exit_code == 1
    assert "0.10000000149011612" in exact.stderr


def test_tensorboard_from_transformers_448_is_shifted() -> None:
    result = lrsched(*HF, "--check-run", TB_HF448)
    assert result.exit_code == 1
    assert "each logged rate is the plan's for the next update" in _diagnosis(result.stderr)


def test_a_tensorboard_folder_is_one_run_and_several_are_refused(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "Dec03_12-03-00_host"
    run.mkdir(parents=True)
    (run / Path(TB_HF).name).write_bytes(Path(TB_HF).read_bytes())
    assert lrsched(*HF, "--check-run", str(tmp_path / "runs")).exit_code == 0
    result = lrsched(*HF, "--check-run", str(RUNS))
    assert_usage_error(result, "'--check-run'", "holds the event files of 4 runs")


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("source", "cut", "says"),
    [
        (CSV, -1, "cut short"),
        (CSV, 300, "cut short"),
        (SCALARS, -1, "cut short"),
        (SCALARS, 500, "cut short"),
        (TB_HF, -3, "cut short or damaged"),
        (MLFLOW_METRIC, -1, "cut short"),
        (WANDB_HISTORY, -1, "cut short"),
        (WANDB_PANEL, -1, "cut short"),
        (TB_HF, 2000, "cut short or damaged"),
    ],
)
def test_a_truncated_log_is_a_usage_error(tmp_path: Path, source: str, cut: int, says: str) -> None:
    log = _write(tmp_path, Path(source).name, Path(source).read_bytes()[:cut])
    assert_usage_error(lrsched(*COSINE24, "--check-run", log), "'--check-run'", says)


@pytest.mark.parametrize("source", [CSV, SCALARS, MLFLOW_METRIC, WANDB_HISTORY])
def test_a_log_that_is_not_utf8_is_a_usage_error(tmp_path: Path, source: str) -> None:
    data = Path(source).read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    log = _write(tmp_path, Path(source).name, data[:cut] + b"\xff\xfe\n" + data[cut:])
    assert_usage_error(lrsched(*COSINE24, "--check-run", log), "'--check-run'")


def test_a_damaged_event_file_fails_its_crc(tmp_path: Path) -> None:
    data = bytearray(Path(TB_HF).read_bytes())
    data[1500] ^= 0xFF
    log = _write(tmp_path, "events.out.tfevents.x", bytes(data))
    assert_usage_error(lrsched(*HF, "--check-run", log), "'--check-run'", "crc32", "cut short or damaged")


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("metrics.csv", "lr-SGD,step\r\n0.1,0\r\nfast,1\r\n", "line 3 has lr-SGD 'fast'"),
        ("metrics.csv", "lr-SGD,step\r\n0.1,x\r\n", "line 2 has step 'x'"),
        ("metrics.csv", "lr-SGD,step\r\n0.1\r\n", "line 2 has 1 fields"),
        ("metrics.csv", "lr-SGD,lr-Adam,step\r\n0.1,0.2,0\r\n", "several rate series (lr-SGD, lr-Adam)"),
        ("metrics.csv", "loss,step\r\n0.1,0\r\n", "has none of LearningRateMonitor's lr- columns"),
        ("metrics.csv", "lr-SGD,step\r\n", "has no points of lr-SGD"),
        ("scalars.json", '{"lr": 0.1, "step": 1}\n{"lr": "x", "step": 2}\n', "line 2 has lr 'x'"),
        ("scalars.json", '{"lr": 0.1, "step": 1}\n{"lr": 0.1, \n', "line 2 is not JSON"),
        ("scalars.json", '{"lr": 0.1, "step": "a"}\n', "line 1 has step 'a'"),
        ("learning_rate", "1796300777943 0.1 1\n1796300777943 x 2\n", "line 2 is '1796300777943 x 2'"),
        ("learning_rate", "1796300777943 0.1 1\n1796300777943 0.1 2 3\n", "line 2 has 4 fields"),
        ("learning_rate", "1796300777943 nan 1\n", "not a finite number"),
        ("h.csv", ",train/learning_rate,train/global_step\n0,0.1,x\n", "line 2 has step 'x'"),
        ("h.csv", ",train/learning_rate,_step\n0,0.1,0\n", "counts wandb.log calls"),
        ("p.csv", '"Step","r - train/learning_rate"\n"1","fast"\n', "has train/learning_rate 'fast'"),
    ],
)
def test_a_corrupted_log_is_a_usage_error(tmp_path: Path, name: str, text: str, says: str) -> None:
    log = _write(tmp_path, name, text.encode())
    assert_usage_error(lrsched(*COSINE24, "--check-run", log), "'--check-run'", says)


@pytest.mark.parametrize(
    ("log", "tag", "says"),
    [
        (CSV, "lr-Adam", "has no series 'lr-Adam' (it has: lr-SGD)"),
        (SCALARS, "base_lr", "has no series 'base_lr' (it has: lr, data_time, loss, time, epoch, iter)"),
        (TB_HF5, "lr", "has no series 'lr' (it has: train/loss, train/grad_norm, train/learning_rate"),
    ],
)
def test_a_tag_that_does_not_exist_is_a_usage_error(log: str, tag: str, says: str) -> None:
    assert_usage_error(lrsched(*COSINE24, "--check-run", log, "--tag", tag), "'--check-run'", says)


def test_an_mlflow_log_is_diagnosed() -> None:
    result = lrsched(*HF, "--check-run", MLFLOW, "--world-size", "2")
    assert result.exit_code == 1
    assert "a world size of 1, not 2 (--world-size 1)" in _diagnosis(result.stderr)


def test_mlflow_two_field_line_is_step_0(tmp_path: Path) -> None:
    """A 2-field line (no step) is step 0, as mlflow's FileStore reads it: before any update."""
    log = _write(tmp_path, "learning_rate", b"1796300777943 0.1\n")
    assert_usage_error(lrsched(*COSINE24, "--check-run", log), "step 0 is before the first update")


def test_tensorboard_missing_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "tensorboard"] + ["tensorboard"]:
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed: every import of it fails
    result = lrsched(*HF, "--check-run", TB_HF)
    assert_usage_error(result, "needs the tensorboard package: pip install 'lrsched-cli[tensorboard]'")
