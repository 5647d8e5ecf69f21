"""``--check-run LOG``: real logs of real runs (tests/runlogs, scripts/run_log_fixtures.py)
checked against plans, right and wrong in each way the diagnosis names.

The runs: transformers 5.24 Trainer, cosine, 3 warmup steps, 40 samples, batch 4, 3 epochs (30
updates), logging every update and every 5; the same on transformers 4.48.3 (which logged the
next update's rate); a linear run stopped at update 10 (max_steps 20) and resumed with
max_steps 30.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import TESTS, assert_usage_error, lrsched

RUNS = TESTS / "runlogs"
STATE = str(RUNS / "hf-cosine-log1" / "trainer_state.json")
STATE5 = str(RUNS / "hf-cosine-log5" / "trainer_state.json")
STATE448 = str(RUNS / "hf-4.48-cosine-log1" / "trainer_state.json")
RESUMED = str(RUNS / "hf-resumed" / "trainer_state.json")

HF = [
    "trainer", "hf", "-q", "--samples", "40",
    "--set", "learning_rate=0.1", "--set", "lr_scheduler_type=cosine", "--set", "warmup_steps=3",
    "--set", "per_device_train_batch_size=4", "--set", "num_train_epochs=3",
]  # fmt: skip
"""The config the cosine runs trained with."""
LINEAR = [
    "trainer", "hf", "-q", "--samples", "40",
    "--set", "learning_rate=0.1", "--set", "lr_scheduler_type=linear",
    "--set", "per_device_train_batch_size=4",
]  # fmt: skip
FROM = ["from", "get_cosine_schedule_with_warmup(optimizer, 3, 30)", "--lr", "0.1", "-q"]


def _diagnosis(stderr: str) -> str:
    return next(line.strip() for line in stderr.splitlines() if line.strip().startswith("diagnosis"))


@pytest.mark.parametrize(
    ("argv", "log", "points"),
    [
        (HF, STATE, 30),
        (HF, STATE5, 6),
        (FROM, STATE, 30),
        (FROM, STATE5, 6),
        (HF, str(RUNS / "hf-cosine-log1"), 30),  # the folder the Trainer wrote it in
        (["cosine", "--lr", "0.1", "--t-max", "27", "--warmup", "3", "-n", "30"], STATE, 30),
    ],
)
def test_the_plan_the_run_trained_with_passes(argv: list[str], log: str, points: int) -> None:
    result = lrsched(*argv, "--check-run", log)
    assert (result.exit_code, result.stdout) == (0, "")
    assert f"{points} points of learning_rate from {log}" in result.stderr
    assert "match the plan (relative 1e-09)" in result.stderr


def test_a_failed_check_lists_step_logged_and_planned() -> None:
    result = lrsched(*HF, "--set", "max_steps=40", "--check-run", STATE)
    assert (result.exit_code, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"--check-run failed (relative 1e-09): 26 of 30 points of learning_rate from {STATE} "
        "differ from the plan"
    )
    assert lines[2].split() == ["step", "row", "logged", "planned"]
    # update 5 logged 0.09966191788709716 (the real run); max_steps 40 plans 0.09981658...
    step, row, logged, planned = lines[3].split()
    assert (step, row, logged) == ("5", "5", "0.09966191788709716")
    assert (
        abs(float(planned) - 0.1 * 0.5 * (1 + __import__("math").cos(__import__("math").pi * 1 / 37))) < 1e-15
    )


@pytest.mark.parametrize(
    ("argv", "log", "words"),
    [
        (HF, STATE448, "shifted by one update: each logged rate is the plan's for the next update"),
        (FROM, STATE448, "as transformers before 4.51 does"),
        ([*HF, "--world-size", "2"], STATE, "a world size of 1, not 2 (--world-size 1)"),
        (
            [*HF, "--set", "gradient_accumulation_steps=2"],
            STATE,
            "a gradient accumulation of 1, not 2 (--set gradient_accumulation_steps=1)",
        ),
        (
            [*HF, "--set", "per_device_train_batch_size=2"],
            STATE5,
            "a batch size of 4, not 2 (--set per_device_train_batch_size=4)",
        ),
        ([*HF, "--set", "max_steps=40"], STATE, "sized for another length: it fits --set max_steps=30"),
        ([*HF, "--set", "max_steps=24"], STATE5, "it fits --set max_steps=30"),
        (
            [*LINEAR, "--set", "max_steps=30"],
            RESUMED,
            "resumed from a checkpoint with the schedule recomputed for another length: the updates "
            "up to 11 fit --set max_steps=20, the later ones the plan",
        ),
        (
            [*LINEAR, "--set", "max_steps=20"],
            RESUMED,
            "the updates up to 11 fit the plan, the later ones --set max_steps=30",
        ),
        (
            ["polynomial", "--lr", "0.1", "--total-iters", "30", "--power", "1", "-n", "30"],
            RESUMED,
            "the updates up to 11 fit --total-iters 20, the later ones the plan",
        ),
        (
            ["cosine", "--lr", "0.1", "--t-max", "54", "--warmup", "6", "-n", "60"],
            STATE,
            "the run went through the schedule 2 times as fast as planned",
        ),
        (
            ["cosine", "--lr", "0.1", "--t-max", "40", "--warmup", "3", "-n", "30"],
            STATE,
            "sized for another length: it fits --t-max 27",
        ),
        (  # 1 to 16000 lengths: narrowed around the best scores before trying one by one
            ["cosine", "--lr", "0.1", "--t-max", "4000", "--warmup", "3", "-n", "30"],
            STATE5,
            "sized for another length: it fits --t-max 27",
        ),
        (
            ["cosine", "--lr", "0.1", "--t-max", "27", "--warmup", "3", "-n", "20"],
            STATE,
            "the run is longer than the plan: the plan has 20 rows, the log goes on to row 30",
        ),
    ],
)
def test_a_wrong_plan_fails_with_the_diagnosis_that_fits(argv: list[str], log: str, words: str) -> None:
    result = lrsched(*argv, "--check-run", log)
    assert (result.exit_code, result.stdout) == (1, ""), result.stderr
    assert words in _diagnosis(result.stderr), result.stderr


def test_a_failed_check_says_the_length_the_log_records() -> None:
    result = lrsched(*HF, "--world-size", "2", "--check-run", STATE)
    assert "the log says the run had max_steps = 30; the plan has 15 rows" in result.stderr
    assert (
        "max_steps" not in lrsched(*HF, "--set", "gradient_accumulation_steps=1", "--check-run", STATE).stderr
    )


@pytest.mark.parametrize(
    "log", [STATE448, str(RUNS / "hf-4.48-cosine-log1" / "events.out.tfevents.hf-4.48-cosine-log1")]
)
def test_a_448_log_is_read_as_448_wrote_it_with_version(log: str) -> None:
    """Under --version 4.48 the Trainer's logged rate at step k is row k + 1's; the last point,
    the rate after the last update, is no row's."""
    result = lrsched(*HF, "--version", "4.48", "--check-run", log)
    assert result.exit_code == 0, result.stderr
    assert "29 points of" in result.stderr
    assert "(the last, logged after the last update, not compared)" in result.stderr


def test_a_new_log_under_an_old_version_is_diagnosed() -> None:
    result = lrsched(*HF, "--version", "4.48", "--check-run", STATE)
    assert result.exit_code == 1
    assert "transformers Trainer before 4.51: step = updates done (1-based); the rate after" in result.stderr
    assert "the log holds each update's own rate" in _diagnosis(result.stderr)
    assert lrsched(*HF, "--version", "4.51", "--check-run", STATE).exit_code == 0


def test_the_448_log_passes_once_shifted(tmp_path: Path) -> None:
    """What the diagnosis says is true: transformers 4.48.3 logged at step k the rate of update
    k + 1 (rates in the test from the real 5.24 run: rows 2-30 of it)."""
    old = json.loads(Path(STATE448).read_text())["log_history"]
    new = json.loads(Path(STATE).read_text())["log_history"]
    assert [e["learning_rate"] for e in old[:29]] == [e["learning_rate"] for e in new[1:30]]


def test_skipped_updates_are_found_where_and_how_many(tmp_path: Path) -> None:
    """A run whose updates 11 and 12 did not step the scheduler (an fp16 overflow): updates 12
    and 13 run update 11's rate, and every later one the rate of two updates before. Built
    from the real run's rates."""
    state = json.loads(Path(STATE).read_text())
    real = [e["learning_rate"] for e in state["log_history"] if "learning_rate" in e]
    rates = [*real[:11], real[10], real[10], *real[11:28]]
    entries = [{"learning_rate": rate, "step": step} for step, rate in enumerate(rates, 1)]
    log = tmp_path / "trainer_state.json"
    log.write_text(json.dumps({**state, "log_history": entries}, indent=2, sort_keys=True))
    result = lrsched(*HF, "--check-run", str(log))
    assert result.exit_code == 1
    assert "2 updates did not step the scheduler (1 at update 11; 1 at update 12)" in _diagnosis(
        result.stderr
    )


def test_nothing_fits_is_said_plainly() -> None:
    result = lrsched("step", "--lr", "0.1", "--step-size", "3", "--check-run", STATE)
    assert result.exit_code == 1
    assert _diagnosis(result.stderr).startswith("diagnosis: nothing fits.")


def test_tolerance_options_replace_the_rule() -> None:
    # max_steps 31: every rate within 4% of the run's; --rtol 0.05 passes it, the default does not
    argv = [*HF, "--set", "max_steps=31", "--check-run", STATE]
    assert lrsched(*argv).exit_code == 1
    passed = lrsched(*argv, "--rtol", "0.05", "--tol", "0.004")
    assert passed.exit_code == 0, passed.stderr
    assert "(absolute 0.004 or relative 0.05)" in passed.stderr


def _cut(tmp_path: Path, text: str, name: str = "trainer_state.json") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("keep", [700, 3000, -2])
def test_a_truncated_log_is_a_usage_error(tmp_path: Path, keep: int) -> None:
    text = Path(STATE).read_text()
    log = _cut(tmp_path, text[:keep])
    assert_usage_error(lrsched(*HF, "--check-run", log), "'--check-run'", "is not a whole trainer_state.json")


def test_a_truncated_log_says_where_it_ends(tmp_path: Path) -> None:
    """Cut inside update 4's entry: the string left open starts at line 34, column 7."""
    log = _cut(tmp_path, Path(STATE).read_text()[:700])
    assert_usage_error(
        lrsched(*HF, "--check-run", log), "Unterminated string starting at), at line 34, column 7"
    )


def test_a_log_cut_before_its_history_is_not_recognised(tmp_path: Path) -> None:
    log = _cut(tmp_path, Path(STATE).read_text()[:40])
    assert_usage_error(lrsched(*HF, "--check-run", log), "'--check-run'", "is not a run log lrsched reads")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"log_history": [{"learning_rate": "fast", "step": 1}]}', "has learning_rate 'fast'"),
        ('{"log_history": [{"learning_rate": 0.1, "step": -1}]}', "has step -1"),
        ('{"log_history": [{"learning_rate": NaN, "step": 1}]}', "not a finite number"),
        ('{"log_history": [3]}', "entry 1 is not an object"),
        ('{"log_history": [{"loss": 1.0, "step": 1}]}', "has no 'learning_rate' in its log_history"),
        ('{"log_history": []}', "has no 'learning_rate'"),
        ('{"log_history": [{"learning_rate": 0.1, "step": 1}]} trailing', "text follows its JSON"),
    ],
)
def test_a_corrupted_log_is_a_usage_error(tmp_path: Path, text: str, says: str) -> None:
    assert_usage_error(lrsched(*HF, "--check-run", _cut(tmp_path, text)), "'--check-run'", says)


@pytest.mark.parametrize("at", [10, 100_000])
def test_a_log_that_is_not_utf8_is_a_usage_error(tmp_path: Path, at: int) -> None:
    text = Path(STATE).read_text().replace('"log_history": [', '"log_history": [' + " " * at, 1)
    data = text.encode().replace(b'"step": 5', b'"st\xffp": 5', 1)
    log = tmp_path / "trainer_state.json"
    log.write_bytes(data)
    assert_usage_error(lrsched(*HF, "--check-run", str(log)), "'--check-run'", "trainer_state.json")


@pytest.mark.parametrize("name", ["metrics.csv", "scalars.json", "history.csv", "learning_rate"])
def test_binary_garbage_is_not_recognised(tmp_path: Path, name: str) -> None:
    log = tmp_path / name
    log.write_bytes(bytes(range(256)) * 50)
    assert_usage_error(
        lrsched(*HF, "--check-run", str(log)), "'--check-run'", "is not a run log lrsched reads"
    )


def test_an_unrecognised_or_missing_log_is_a_usage_error(tmp_path: Path) -> None:
    other = _cut(tmp_path, "epoch,lr\n1,0.1\n", "rates.csv")
    assert_usage_error(lrsched(*HF, "--check-run", other), "is not a run log lrsched reads")
    missing = str(tmp_path / "nope.json")
    assert_usage_error(lrsched(*HF, "--check-run", missing), "cannot read", "nope.json")
    assert_usage_error(lrsched(*HF, "--check-run", str(tmp_path)), "is not a run log lrsched reads")


def test_a_tag_that_does_not_exist_names_the_ones_that_do() -> None:
    result = lrsched(*HF, "--check-run", STATE, "--tag", "lr")
    assert_usage_error(result, "has no 'lr' in its log_history", "grad_norm, learning_rate, loss")


def test_tag_picks_another_series_and_needs_check_run() -> None:
    result = lrsched(*HF, "--check-run", STATE, "--tag", "grad_norm")
    assert result.exit_code == 1 and "points of grad_norm" in result.stderr
    assert_usage_error(lrsched(*HF, "--tag", "grad_norm"), "'--tag'", "give --check-run")


@pytest.mark.parametrize("command", [["step", "--help"], ["from", "--help"], ["trainer", "--help"]])
def test_every_command_printing_rows_takes_check_run(command: list[str]) -> None:
    shown = lrsched(*command).stdout
    assert "--check-run" in shown and "--tag" in shown


@pytest.mark.parametrize(
    ("trainer", "config", "key"),
    [
        ("timm", "timm-args.yaml", "grad_accum_steps"),
        ("torchtune", "torchtune.yaml", "gradient_accumulation_steps"),
    ],
)
def test_timm_and_torchtune_runs_with_another_accumulation_are_named_by_their_key(
    tmp_path: Path, trainer: str, config: str, key: str
) -> None:
    """The run accumulated 2 batches an update where the config says 4: the diagnosis derives the
    run again with the trainer's own keys and names them (both configs fit: 2 x 8 = 4 x 4)."""
    argv = ["trainer", trainer, str(TESTS / "examples" / config), "--samples", "1000", "-q"]
    ran = lrsched(*argv, "--set", f"{key}=2", "-f", "csv")
    assert ran.exit_code == 0, ran.stderr
    rows = [line.split(",") for line in ran.stdout.splitlines()[1:]]
    log = tmp_path / "panel.csv"  # a W&B line plot's "Export CSV" of the run's rate
    log.write_text('"Step","run-1 - train/lr"\n' + "".join(f'"{step}","{lr}"\n' for _, step, lr in rows))
    result = lrsched(*argv, "--check-run", str(log))
    assert result.exit_code == 1
    assert f"a gradient accumulation of 2, not 4 (--set {key}=2)" in result.stderr
    assert "or equally a batch size of 4, not 8 (--set batch_size=4)" in result.stderr
