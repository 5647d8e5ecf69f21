"""`lrsched trainer`, whatever the trainer: the table of trainers, help, delivery, start-up imports.

Expected rates are the real Trainer's, from tests/parity/trainer_hf.json (the issue's example).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, assert_usage_error, lrsched, parity

from lrsched_cli.trainers import TRAINERS

ISSUE_CASE = next(c for c in parity("trainer_hf")["cases"] if c["id"] == "issue-1000-samples-3-processes")
ISSUE = json.dumps(ISSUE_CASE["config"])
SIZES = ["--samples", "1000", "--world-size", "3"]


def test_every_trainer_is_one_folder_with_its_derivation_and_one_table_line() -> None:
    folders = {p.name for p in (ROOT / "lrsched_cli" / "trainers").iterdir() if (p / "__init__.py").exists()}
    assert folders == set(TRAINERS)
    assert [TRAINERS[name].key for name in TRAINERS] == list(TRAINERS)  # each record in its own folder
    assert folders >= {"hf", "lightning", "timm", "torchtune", "deepspeed", "mmengine", "megatron"}
    assert folders >= {"detectron2", "nemo", "fairseq"}
    for name in folders:
        assert (ROOT / "lrsched_cli" / "trainers" / name / "derive.py").exists(), name


def test_help_lists_each_trainer_and_the_versions_that_differ() -> None:
    result = lrsched("trainer", "-h")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for record in TRAINERS.values():
        assert f"{record.key} ({record.name})" in text
    assert "4.51: updates per epoch rounded down" in text


def test_expect_checks_the_real_trainers_rate() -> None:
    row, want = 20, ISSUE_CASE["rates"][19]
    ok = lrsched("trainer", "hf", "-", *SIZES, "--expect", f"{row}={want!r}", "-q", input=ISSUE)
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout == ""
    failed = lrsched("trainer", "hf", "-", *SIZES, "--expect", f"{row}=0.5", "-q", input=ISSUE)
    assert failed.exit_code == 1


def test_output_file_and_plot_work_as_everywhere(tmp_path: Path) -> None:
    target = tmp_path / "rates.csv"
    result = lrsched("trainer", "hf", "-", *SIZES, "-f", "csv", "-o", str(target), "-q", input=ISSUE)
    assert result.exit_code == 0, result.stderr
    lines = target.read_text().splitlines()
    assert lines[0] == "epoch,step,lr" and len(lines) == 1 + 33
    assert lines[1] == "1,1,0.0"
    plot = lrsched("trainer", "hf", "-", *SIZES, "-f", "plot", "-q", input=ISSUE)
    assert plot.exit_code == 0, plot.stderr
    assert plot.stdout.strip()


def test_an_image_without_a_file_fails_before_the_derivation_is_printed() -> None:
    result = lrsched("trainer", "hf", "-", *SIZES, "-f", "png", input=ISSUE)
    assert_usage_error(result, "--output")
    assert "batches per process" not in result.stderr


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (
            ["step", "--lr", "0.1", "--step-size", "10"],
            ["yaml", "lrsched_cli.trainers", "lrsched_cli.cli.trainer"],
        ),
        (
            ["trainer", "hf", "CONFIG.json", *SIZES, "-q"],
            [
                "yaml",
                "rich",
                "lrsched_cli.frameworks.torch.reproduce",
                "lrsched_cli.frameworks.detectron2.reproduce",
                "lrsched_cli.frameworks.nemo.reproduce",
                "lrsched_cli.frameworks.fairseq.reproduce",
                "lrsched_cli.frameworks.composer.reproduce",
                "array",  # 33 rates: one chunk, held as a list
                # nor another trainer's folder, not even its record: the help alone lists them all
                *(f"lrsched_cli.trainers.{name}" for name in TRAINERS if name != "hf"),
            ],
        ),
    ],
)
def test_start_up_loads_yaml_and_the_trainers_only_when_needed(
    argv: list[str], absent: list[str], tmp_path: Path
) -> None:
    (tmp_path / "CONFIG.json").write_text(ISSUE)
    probe = (
        "import runpy, sys, json, atexit\n"
        "atexit.register(lambda: sys.__stderr__.write('MODULES' + json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['lrsched', *{argv!r}]\n"
        "runpy.run_module('lrsched_cli', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stderr.split("MODULES", 1)[1])
    assert [m for m in modules if any(m == a or m.startswith(a + ".") for a in absent)] == []


@pytest.mark.parametrize(("trainer", "key"), [("hf", "per_device_train_batch_size"), ("timm", "batch_size")])
def test_batch_size_is_refused_where_the_config_holds_it(trainer: str, key: str) -> None:
    result = lrsched("trainer", trainer, "--samples", "100", "--batch-size", "8")
    assert_usage_error(result, "--batch-size", f"--set {key}=8")


LOADERS = parity("trainer_lightning")["loader_lengths"]["rows"]


@pytest.mark.parametrize(
    ("trainer", "column", "config"),
    [
        ("lightning", 3, lambda b: {"trainer": {"max_epochs": 1}, "optimizer": {"lr": 0.1},
                                    "lr_scheduler": {"scheduler": "StepLR(optimizer, step_size=1)"}}),
        ("timm", 4, lambda b: {"batch_size": b, "epochs": 1, "lr": 0.1, "warmup_epochs": 0}),
        ("torchtune", 4, lambda b: {"batch_size": b, "epochs": 1, "optimizer": {"lr": 0.1}, "lr_scheduler": {
            "_component_": "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup",
            "num_warmup_steps": 0}}),
    ],
)  # fmt: skip
def test_batches_per_process_are_torchs_own_over_a_grid(trainer: str, column: int, config: Any) -> None:
    """torch's DataLoader over its DistributedSampler (tests/parity/trainer_lightning.json), without
    drop_last (Lightning) and with it (timm's train.py, torchtune's recipes)."""
    from lrsched_cli.errors import LrschedError
    from lrsched_cli.trainers import Run, derive

    assert len(LOADERS) == 300
    for row in LOADERS:
        samples, batch, world, *lengths = map(int, row.split())
        want = lengths[column - 3]
        batch_size = batch if trainer == "lightning" else None
        run = Run(samples=samples, world_size=world, batch_size=batch_size, version=None)
        if want == 0:
            with pytest.raises(LrschedError):
                derive(trainer, config(batch), run)
            continue
        assert derive(trainer, config(batch), run).derived["batches_per_epoch"] == want, row


def _counting_rates(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make `trainer` count the rates its schedule computes (one number per pass over them)."""
    from lrsched_cli.cli import trainer_run

    counted: list[int] = []
    real = trainer_run.rates_of

    def counting(*args: Any) -> Any:
        rates = real(*args)

        def each() -> Any:
            counted.append(0)
            for rate in rates():
                counted[-1] += 1
                yield rate

        return each

    monkeypatch.setattr(trainer_run, "rates_of", counting)
    return counted


HF_RUN = ("trainer", "hf", str(ROOT / "tests" / "examples" / "hf-args.yaml"), "--samples", "1000", "-q")


def test_the_rows_checked_before_writing_are_the_rows_written(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = _counting_rates(monkeypatch)
    result = lrsched(*HF_RUN, "-f", "csv")  # 1000 / 8 = 125 batches, ceil(125 / 4) = 32 updates, 3 epochs
    assert (result.exit_code, result.stdout.count("\n")) == (0, 97)
    assert counted == [96]  # computed once


def test_rows_past_what_is_held_are_computed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from lrsched_cli.cli import trainer_run

    whole = lrsched(*HF_RUN, "-f", "csv").stdout
    monkeypatch.setattr(trainer_run, "HELD_ROWS", 50)  # memory stays flat: rates past it are not kept
    counted = _counting_rates(monkeypatch)
    assert lrsched(*HF_RUN, "-f", "csv").stdout == whole
    assert counted == [96, 96]


def test_rates_held_past_one_chunk_are_the_rows_written(monkeypatch: pytest.MonkeyPatch) -> None:
    from lrsched_cli.cli import trainer_run

    whole = lrsched(*HF_RUN, "-f", "csv").stdout  # 96 rates: one chunk, held as computed
    monkeypatch.setattr(trainer_run, "CHUNK", 10)  # ten chunks: held as doubles from the second on
    counted = _counting_rates(monkeypatch)
    assert lrsched(*HF_RUN, "-f", "csv").stdout == whole
    assert counted == [96]  # computed once


def test_a_rate_that_overflows_is_a_usage_error_naming_its_row(tmp_path: Path) -> None:
    # ExponentialLR multiplies 0.1 by 10 each update: 1e308 at t = 309, inf at t = 310 (row 311)
    config = tmp_path / "l.yaml"
    config.write_text(
        'trainer: {max_epochs: 1}\noptimizer: {lr: 0.1}\nlr_scheduler:\n  scheduler: "ExponentialLR('
        'optimizer, gamma=10.0)"\n  interval: step\n'
    )
    result = lrsched(
        "trainer", "lightning", str(config), "--samples", "5000", "--batch-size", "1", "-f", "csv"
    )
    assert_usage_error(result, "lr_scheduler.scheduler", "the rate at row 311 is inf")


HUGE = str(2**1024)


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["hf", "hf-args.yaml", "--samples", HUGE], "--samples"),
        (["hf", "hf-args.yaml", "--samples", "1000", "--world-size", HUGE], "--world-size"),
        (["lightning", "lightning.yaml", "--samples", "1000", "--batch-size", HUGE], "--batch-size"),
        (["deepspeed", "ds_config.json", "--samples", "1000", "--epochs", HUGE], "--epochs"),
    ],
)
def test_a_huge_integer_is_a_usage_error_naming_the_option(argv: list[str], option: str) -> None:
    # --samples 2**1024 was blamed on the config's lr_scheduler_type, 309 digits quoted; --world-size ran
    trainer, config, *options = argv
    result = lrsched("trainer", trainer, str(ROOT / "tests" / "examples" / config), *options, "-q")
    assert_usage_error(result, f"'{option}'", "at most 9007199254740992")
