"""`lrsched trainer hf` against the real transformers Trainer, and its derivation, notes and errors.

Expected rates, step counts and epochs come from real ``Trainer.train()`` runs on CPU
(transformers 5.24.0, 5.0.0, 4.57.1, 4.51.3 and 4.48.3): tests/parity/trainer_hf.json, written by
scripts/trainer_hf_goldens.py. The issue's example (1,000 samples, batch 8, accumulation 4,
3 processes, 3 epochs, 10% warmup) is written out in the tests below as the issue states it.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_hf")
RUNS = [case for case in GOLDEN["cases"] if "error" not in case]
REFUSED = [case for case in GOLDEN["cases"] if "error" in case]

ISSUE = """\
learning_rate: 2.0e-5
lr_scheduler_type: cosine
warmup_steps: 0.1
num_train_epochs: 3
per_device_train_batch_size: 8
gradient_accumulation_steps: 4
"""


def run_json(config: str, *args: str) -> Any:
    result = lrsched("trainer", "hf", "-", *args, "-f", "json", input=config)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", RUNS, ids=[f"{c['version']}:{c['id']}" for c in RUNS])
def test_rates_and_counts_are_the_real_trainers(case: dict[str, Any]) -> None:
    document = run_json(
        json.dumps(case["config"]),
        "--samples",
        str(case["samples"]),
        "--world-size",
        str(case["world_size"]),
        "--version",
        case["version"],
    )
    derived = document["params"]["derived"]
    assert derived["batches_per_epoch"] == case["batches_per_epoch"]
    assert derived["total_updates"] == case["max_steps"] == case["global_step"]
    assert derived["warmup_updates"] == case["warmup_updates"]
    rows = document["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-15), (row, want)
    assert [row["epoch"] for row in rows] == case["epochs"]
    assert [row["step"] for row in rows] == list(range(1, len(rows) + 1))


@pytest.mark.parametrize("case", REFUSED, ids=[f"{c['version']}:{c['id']}" for c in REFUSED])
def test_what_the_real_trainer_refuses_is_a_usage_error(case: dict[str, Any]) -> None:
    key = next(iter(set(case["config"]) & {"warmup_steps"}))
    result = lrsched(
        "trainer", "hf", "-", "--samples", str(case["samples"]), "--version", case["version"],
        input=json.dumps(case["config"]),
    )  # fmt: skip
    assert_usage_error(result, key, "type int")
    assert "type int" in case["error"]


def test_the_issues_example_prints_its_derivation_then_the_rows() -> None:
    result = lrsched("trainer", "hf", "-", "--samples", "1000", "--world-size", "3", input=ISSUE)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[:4] == [
        "batches per process per epoch = ceil(ceil(1000 / 8) / 3) = 42",
        "updates per epoch = ceil(42 / 4) = 11",
        "total updates = ceil(3 x 11) = 33",
        "warmup updates = ceil(0.1 x 33) = 4",
    ]
    assert any("warmup_steps: 0.1 is below 1" in line for line in lines)
    assert any("first row's rate is 0" in line for line in lines)
    rows = result.stdout.splitlines()
    assert len(rows) == 33
    assert rows[0] == "Epoch 1, Step 1, Learning Rate: 0.0000000"  # a 2e-5 peak: 7 decimals
    assert rows[11].startswith("Epoch 2, Step 12, ")


def test_version_4_48_sizes_the_run_short_and_says_so() -> None:
    config = ISSUE.replace("warmup_steps: 0.1", "warmup_ratio: 0.1")
    result = lrsched(
        "trainer", "hf", "-", "--samples", "1000", "--world-size", "3", "--version", "4.48", "-f", "csv",
        input=config,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "updates per epoch (sizing the run) = floor(42 / 4) = 10" in result.stderr
    assert "total updates = ceil(3 x 10) = 30" in result.stderr
    assert "training stops 3 updates short of 3 epochs" in result.stderr
    assert result.stdout.splitlines()[-1].startswith("3,30,")


def test_json_params_hold_the_trainer_version_config_and_derived() -> None:
    params = run_json(ISSUE, "--samples", "1000", "--world-size", "3")["params"]
    assert params["trainer"] == "hf"
    assert params["version"] == "5.24"
    assert params["config"]["gradient_accumulation_steps"] == 4
    assert params["config"]["dataloader_drop_last"] is False  # a default, resolved
    assert params["derived"] == {
        "samples": 1000,
        "world_size": 3,
        "batches_per_epoch": 42,
        "updates_per_epoch": 11,
        "total_updates": 33,
        "warmup_updates": 4,
        "epochs": 3,
    }
    assert params["scheduler"].startswith(
        "transformers.get_scheduler('cosine', optimizer, num_warmup_steps=4"
    )


def test_set_overrides_the_config_with_yaml_scalars() -> None:
    params = run_json(ISSUE, "--samples", "1000", "--set", "max_steps=20", "--set", "warmup_steps=5")[
        "params"
    ]
    assert params["derived"]["total_updates"] == 20
    assert params["derived"]["warmup_updates"] == 5
    nested = run_json(ISSUE, "--samples", "64", "--set", "accelerator_config.even_batches=false")
    assert nested["params"]["config"]["accelerator_config.even_batches"] is False


def test_yaml_reads_exponents_without_a_dot_as_trainers_parsers_do() -> None:
    params = run_json("learning_rate: 2e-5\n", "--samples", "80")["params"]  # YAML 1.1: a string
    assert params["lr"] == 2e-5


def test_quiet_prints_nothing_on_stderr() -> None:
    result = lrsched("trainer", "hf", "-", "--samples", "1000", "--quiet", input=ISSUE)
    assert result.exit_code == 0
    assert result.stderr == ""


def test_max_steps_without_samples_is_a_dataset_without_length() -> None:
    result = lrsched("trainer", "hf", "--set", "max_steps=7", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 + 7
    assert "no --samples" in result.stderr


@pytest.mark.parametrize(
    ("args", "config", "fragments"),
    [
        (
            ["--samples", "10"],
            "lr_scheduler_typ: cosine\n",
            ["lr_scheduler_typ", "did you mean 'lr_scheduler_type'"],
        ),
        (["--samples", "10"], "warmup_ratio: 0.1\n", ["warmup_ratio", "warmup_steps: 0.1"]),
        (["--samples", "10"], "max_steps: ten\n", ["max_steps", "expected an integer", "'ten'"]),
        (["--samples", "10"], "lr_scheduler_type: cosien\n", ["lr_scheduler_type", "did you mean 'cosine'"]),
        ([], "num_train_epochs: 1\n", ["--samples", "len(train_dataset)"]),
        (["--samples", "10"], "warmup_steps: 50\n", ["warmup_steps", "longer than"]),
        (["--samples", "10", "--version", "4.57"], "warmup_ratio: 1.5\n", ["warmup_ratio", "[0, 1]"]),
        (["--samples", "10"], "a: [1\n", ["CONFIG", "not valid YAML"]),
        (["--samples", "10"], "- 1\n- 2\n", ["CONFIG", "a mapping", "a list"]),
        (["--samples", "10"], '{"max_steps": 1,,}', ["CONFIG", "not valid YAML or JSON"]),
        (["--samples", "10", "--world-size", "0"], "", ["--world-size"]),
        (
            ["--samples", "10"],
            "lr_scheduler_type: warmup_stable_decay\n",
            ["lr_scheduler_kwargs", "num_decay_steps"],
        ),
        (["--samples", "10"], "lr_scheduler_type: cosine_with_min_lr\n", ["lr_scheduler_kwargs.min_lr_rate"]),
        (["--samples", "10", "--version", "three"], "", ["--version", "5.24"]),
        (["--samples", "10", "--set", "max_steps"], "", ["--set", "KEY=VALUE"]),
        (["--samples", "10", "--set", "max_steps=x"], "", ["--set", "max_steps", "'x'"]),
        (["--samples", "3"], "dataloader_drop_last: true\n", ["per_device_train_batch_size", "empty"]),
        (["--samples", "10"], "lr_scheduler_type: reduce_lr_on_plateau\n", ["lr_scheduler_type", "plateau"]),
        (["--samples", "10"], "lr_scheduler_kwargs: [1, 2]\n", ["lr_scheduler_kwargs", "mapping"]),
        (["--samples", "10"], "lr_scheduler_kwargs: '{\"min_lr\": 1,'\n", ["lr_scheduler_kwargs", "JSON"]),
        (["--samples", "10"], "learning_rate: .inf\n", ["learning_rate", "finite"]),
        (
            ["--samples", "10"],
            "accelerator_config: {split_batches: true}\n",
            ["split_batches", "does not follow"],
        ),
        (
            ["--samples", "10"],
            "accelerator_config: {even_batchez: false}\n",
            ["accelerator_config.even_batchez", "even_batches"],
        ),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_key(
    args: list[str], config: str, fragments: list[str]
) -> None:
    assert_usage_error(lrsched("trainer", "hf", "-", *args, input=config), *fragments)


def test_unknown_trainer_suggests_the_close_one() -> None:
    assert_usage_error(lrsched("trainer", "hff", "--samples", "10"), "NAME", "did you mean 'hf'")


def test_unreadable_and_binary_files_are_usage_errors(tmp_path: Any) -> None:
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"\x00\x01\x02\xff")
    assert_usage_error(lrsched("trainer", "hf", str(binary), "--samples", "10"), "CONFIG", "model.bin")
    assert_usage_error(lrsched("trainer", "hf", str(tmp_path / "missing.yaml"), "--samples", "10"), "CONFIG")


def test_a_config_starting_with_a_byte_order_mark_reads_as_without_it(tmp_path: Any) -> None:
    yaml_text = "num_train_epochs: 3\ngradient_accumulation_steps: 4\n"  # 125 batches: 32 updates an epoch
    json_text = '{"num_train_epochs": 3, "gradient_accumulation_steps": 4}'
    for name, text in (("args.yaml", yaml_text), ("args.json", json_text)):
        plain, marked = tmp_path / name, tmp_path / f"bom-{name}"
        plain.write_bytes(text.encode())
        marked.write_bytes(b"\xef\xbb\xbf" + text.encode())  # as a Windows editor saves UTF-8
        expected = lrsched("trainer", "hf", str(plain), "--samples", "1000", "-q", "-f", "csv")
        assert (expected.exit_code, expected.stdout.count("\n")) == (0, 97)
        result = lrsched("trainer", "hf", str(marked), "--samples", "1000", "-q", "-f", "csv")
        assert result.stdout == expected.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"\xef\xbb\xbfnum_train_epochs: \xff\n")
    assert_usage_error(lrsched("trainer", "hf", str(broken), "--samples", "10"), "CONFIG", "not UTF-8")


def test_version_5_0_reads_the_deprecated_warmup_ratio_over_warmup_steps() -> None:
    config = "warmup_steps: 5\nwarmup_ratio: 0.2\nper_device_train_batch_size: 4\nnum_train_epochs: 2\n"
    result = lrsched("trainer", "hf", "-", "--samples", "50", "--version", "5.0", "-f", "csv", input=config)
    assert result.exit_code == 0, result.stderr
    assert "warmup updates = ceil(0.2 x 26) = 6" in result.stderr
    assert "warmup_ratio: 0.2 replaces warmup_steps: 5" in result.stderr
    assert "deprecated in transformers 5.0 and 5.1" in result.stderr
    refused = lrsched("trainer", "hf", "-", "--samples", "50", "--version", "5.2", input=config)
    assert_usage_error(refused, "warmup_ratio", "removed in transformers 5.2")


def test_trl_keys_are_accepted_not_read_and_the_learning_rate_must_be_given() -> None:
    sft = "packing: true\nmax_length: 2048\nlearning_rate: 2.0e-5\n"
    result = lrsched("trainer", "hf", "-", "--samples", "80", "-f", "csv", input=sft)
    assert result.exit_code == 0, result.stderr
    assert "TRL's own keys (packing, max_length) are not read" in result.stderr
    no_rate = lrsched("trainer", "hf", "-", "--samples", "80", input="packing: true\n")
    assert_usage_error(no_rate, "learning_rate", "SFTConfig 2e-05")
    grpo = lrsched(
        "trainer", "hf", "-", "--samples", "80", input="learning_rate: 1.0e-6\nnum_generations: 8\n"
    )
    assert_usage_error(grpo, "num_generations", "generated completions")


SHARDS = GOLDEN["shard_lengths"]["rows"]


def test_batches_per_process_are_accelerates_own_over_a_grid() -> None:
    """accelerate's BatchSamplerShard lengths (tests/parity/trainer_hf.json): every sample count,
    batch size, world size, drop_last and even_batches there."""
    from lrsched_cli.errors import LrschedError
    from lrsched_cli.trainers import Run, derive

    assert len(SHARDS) == 1200
    for row in SHARDS:
        samples, batch, world, drop_last, even, want = map(int, row.split())
        config = {
            "per_device_train_batch_size": batch,
            "dataloader_drop_last": bool(drop_last),
            "accelerator_config": {"even_batches": bool(even)},
        }
        run = Run(samples=samples, world_size=world, batch_size=None, version=None)
        if want == 0:
            with pytest.raises(LrschedError):
                derive("hf", config, run)
            continue
        assert derive("hf", config, run).derived["batches_per_epoch"] == want, row
