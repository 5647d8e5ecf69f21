"""The command line: every registered command, its help, and every class of bad input."""

from __future__ import annotations

import pytest
from helpers import EXAMPLES, assert_usage_error, lrsched

from lrsched_cli import __version__
from lrsched_cli.cli.options import flag
from lrsched_cli.registry import SCHEDULES


def test_version() -> None:
    result = lrsched("--version")
    assert (result.exit_code, result.stdout) == (0, f"lrsched {__version__}\n")


@pytest.mark.parametrize("option", ["-h", "--help"])
def test_app_help_lists_every_schedule(option: str) -> None:
    result = lrsched(option)
    assert result.exit_code == 0
    for name in SCHEDULES:
        assert name in result.stdout


@pytest.mark.parametrize("name", SCHEDULES)
def test_every_command_documents_every_parameter_its_formula_and_examples(name: str) -> None:
    entry = SCHEDULES[name]
    result = lrsched(name, "-h")
    assert result.exit_code == 0
    for parameter in entry.parameters():
        assert flag(parameter.name) in result.stdout
    for common in ["--epochs", "--format", "--precision", "--warmup", "--steps-per-epoch"]:
        assert common in result.stdout
    assert entry.formula in result.stdout
    assert "Examples:" in result.stdout
    assert entry.examples[0] in result.stdout


"""Where the help's examples run: the input files they name (plateau's metrics) are there."""


@pytest.mark.parametrize("name", SCHEDULES)
def test_every_example_in_the_help_runs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    for example in SCHEDULES[name].examples:
        argv = example.split()[1:]
        result = lrsched(*argv)
        assert result.exit_code == 0, (example, result.stderr)
        assert result.stdout


def test_list_shows_every_schedule_with_its_formula() -> None:
    lines = lrsched("list").stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(SCHEDULES)
    assert lines[0].endswith("lr(t) = lr * gamma ^ floor(t / step_size)")


STEP = ["step", "--lr", "0.1", "--step-size", "10"]


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["step", "--lr", "abc", "--step-size", "10"], ["'--lr'", "'abc'"]),
        (["step", "--lr", "nan", "--step-size", "10"], ["'--lr'", "nan"]),
        (["step", "--lr", "inf", "--step-size", "10"], ["'--lr'", "inf"]),
        (["step", "--lr", "1e309", "--step-size", "10"], ["'--lr'", "inf"]),
        (["step", "--lr", "0", "--step-size", "10"], ["'--lr'", "must be positive, got 0.0"]),
        (["step", "--lr", "-0.1", "--step-size", "10"], ["'--lr'", "got -0.1"]),
        (["step", "--lr", "0.1", "--step-size", "0"], ["'--step-size'", "positive integer, got 0"]),
        (["step", "--lr", "0.1", "--step-size", "2.5"], ["'--step-size'", "'2.5'"]),
        (["step", "--lr", "0.1", "--step-size", "-3"], ["'--step-size'", "got -3"]),
        (["step", "--lr", "0.1", "--step-size", "1", "--gamma", "-0.5"], ["'--gamma'", "got -0.5"]),
        (
            ["step", "--lr", "0.1", "--step-size", "1", "--gamma", "2"],
            ["'--gamma'", "between 0 and 1 (a decay factor), got 2.0"],
        ),
        (["step", "--lr", "0.1"], ["'--step-size'"]),
        (["cosine", "--lr", "0.1", "--t-max", "0"], ["'--t-max'", "got 0"]),
        (["cosine", "--lr", "0.1", "--t-max", "1.5"], ["'--t-max'", "'1.5'"]),
        (["cosine", "--lr", "0.1", "--min-lr", "-1e-3"], ["'--min-lr'", "got -0.001"]),
        (["cosine", "--lr", "0.1", "--min-lr", "nan"], ["'--min-lr'", "nan"]),
        (["cosine", "--lr", "0.1", "--min-lr", "0.5"], ["'--min-lr'", "must not exceed lr (0.1), got 0.5"]),
        (["cosine-restarts", "--lr", "0.1", "--t-0", "0"], ["'--t-0'", "got 0"]),
        (["cosine-restarts", "--lr", "0.1", "--t-0", "x"], ["'--t-0'", "'x'"]),
        (["cosine-restarts", "--lr", "0.1", "--t-0", "5", "--t-mult", "0"], ["'--t-mult'", "got 0"]),
        (["exponential", "--lr", "0.1"], ["'--decay-rate'", "exactly one", "neither"]),
        (["exponential", "--lr", "0.1", "--decay-rate", "0.1", "--gamma", "0.9"], ["'--decay-rate'", "both"]),
        ([*STEP, "--epochs", "-1"], ["'--epochs'", "-1"]),
        ([*STEP, "--epochs", "2.5"], ["'--epochs'", "'2.5'"]),
        ([*STEP, "--precision", "18"], ["'--precision'", "18"]),
        ([*STEP, "--precision", "-1"], ["'--precision'", "-1"]),
        ([*STEP, "--format", "xml"], ["'--format'", "'xml'"]),
        ([*STEP, "--warmup", "-2"], ["'--warmup'", "-2"]),
        ([*STEP, "--warmup", "2", "--warmup-start-lr", "inf"], ["'--warmup-start-lr'", "inf"]),
        ([*STEP, "--steps-per-epoch", "0"], ["'--steps-per-epoch'", "0"]),
        (["cosine", "--lr", "0.1", "--warmup", "30"], ["'--warmup'", "shorter than the 30 rows, got 30"]),
        ([*STEP, "--step", "3"], ["--step"]),
        (["stpe", "--lr", "0.1"], ["No such command 'stpe'", "Did you mean 'step'"]),
        (["step", "--lr", "0.1", "--step-siz", "10"], ["No such option: --step-siz", "--step-size"]),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_option_and_value(
    argv: list[str], fragments: list[str]
) -> None:
    assert_usage_error(lrsched(*argv), *fragments)


def test_no_arguments_shows_help() -> None:
    result = lrsched()
    assert result.exit_code == 2
    assert "Usage: lrsched" in result.stdout + result.stderr


def test_python_dash_m_runs_like_lrsched() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "lrsched_cli", *STEP, "-n", "2"], capture_output=True, text=True, check=True
    )
    assert done.stdout == "Epoch 1, Learning Rate: 0.100000\nEpoch 2, Learning Rate: 0.100000\n"


@pytest.mark.parametrize(
    ("argv", "rates"),
    [
        (["step", "--lr", "0.1", "--step-size", "1", "--gamma", "-0.0", "-n", "2"], ["0.1", "0.0"]),
        (["piecewise", "--boundaries", "1", "--values", "0.1,-0.0", "-n", "2"], ["0.1", "0.0"]),
        (
            ["plateau", "--lr", "0.1", "--metrics", "-", "--patience", "0", "--factor", "-0", "-n", "3"],
            ["0.1", "0.1", "0.0"],
        ),
    ],
)
def test_a_negative_zero_is_zero_never_a_minus_sign(argv: list[str], rates: list[str]) -> None:
    metrics = "1\n2\n"
    csv = lrsched(*argv, "-f", "csv", input=metrics)
    assert csv.exit_code == 0, csv.stderr
    assert csv.stdout == "epoch,lr\n" + "".join(f"{row},{rate}\n" for row, rate in enumerate(rates, 1))
    assert "-0.0" not in lrsched(*argv, "-f", "json", input=metrics).stdout  # rows and params
    assert lrsched(*argv, input=metrics).stdout.endswith(f"Epoch {len(rates)}, Learning Rate: 0.000000\n")


HUGE = str(2**1024)
"""An integer no float holds: 309 digits."""
MINIMAL = {
    "step": ["--lr", "0.1", "--step-size", "3"],
    "exponential": ["--lr", "0.1", "--gamma", "0.9"],
    "cosine": ["--lr", "0.1"],
    "cosine-restarts": ["--lr", "0.1", "--t-0", "5"],
    "multistep": ["--lr", "0.1"],
    "constant": ["--lr", "0.1"],
    "linear": ["--lr", "0.1"],
    "polynomial": ["--lr", "0.1"],
    "piecewise": [],
    "inverse-time": ["--lr", "0.1", "--decay-rate", "0.5"],
    "onecycle": ["--max-lr", "0.1"],
    "cyclic": ["--base-lr", "0.001", "--max-lr", "0.1"],
    "inverse-sqrt": ["--lr", "0.1"],
    "wsd": ["--lr", "0.1", "--stable-steps", "3", "--decay-steps", "3"],
    "plateau": ["--lr", "0.1", "--metrics", str(EXAMPLES / "val_loss.txt")],
}
"""A command line that runs, per schedule, to add one bad option to."""


def _integer_options() -> list[tuple[str, str]]:
    from lrsched_cli.cli.options import SHAPING

    found = []
    for name, entry in SCHEDULES.items():
        for parameter in entry.parameters() + entry.loader_options() + SHAPING:
            text = str(parameter.annotation)
            if "int" in text.split("[")[-1] or "tuple[int" in text:
                found.append((name, flag(parameter.name)))
    return found


def test_every_schedule_has_a_runnable_minimal_command_line() -> None:
    assert set(MINIMAL) == set(SCHEDULES)
    for name, argv in MINIMAL.items():
        assert lrsched(name, *argv, "-n", "1").exit_code == 0, name


@pytest.mark.parametrize(("name", "option"), _integer_options())
def test_a_huge_integer_is_a_usage_error_naming_the_option(name: str, option: str) -> None:
    value = HUGE if option not in ("--milestones", "--boundaries") else f"1,{HUGE}"
    argv = [*MINIMAL[name], option, value]
    if option == "--boundaries":
        argv += ["--values", "0.1,0.01,0.001"]
    result = lrsched(name, *argv)
    assert_usage_error(result, f"'{option}'", "at most 9007199254740992")
    assert len(result.stderr) < 400  # the 309 digits are not echoed whole


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        ([*STEP, "--steps-per-epoch", str(2**40), "-n", str(2**20)], "'--epochs'"),
        (
            ["step", "--lr", "0.1", "--step-size", str(2**40), "--steps-per-epoch", str(2**20)],
            "'--step-size'",
        ),
        ([*STEP, "--warmup", str(2**40), "--steps-per-epoch", str(2**20)], "'--warmup'"),
    ],
)
def test_a_duration_too_long_in_steps_is_a_usage_error(argv: list[str], option: str) -> None:
    assert_usage_error(lrsched(*argv), option, "at most 9007199254740992 in steps")


SHAPE_WORDS = {"step", "linear", "cosine"}
"""Command names that are also the words for shapes (a linear warmup, an optimizer step, half a
cosine): another command's help may use them as words, never as that command (``linear's``)."""


def _formulas(name: str) -> list[str]:
    """The right-hand sides of a command's formula lines, as its docstring writes them."""
    lines = SCHEDULES[name].doc.splitlines()
    return [line.split("=", 1)[1].strip() for line in lines if line.strip().startswith("lr(t) =")]


@pytest.mark.parametrize("name", SCHEDULES)
def test_a_commands_help_speaks_of_that_command_only(name: str) -> None:
    import re

    shown = " ".join(lrsched(name, "-h").stdout.split())  # the help, unwrapped
    for other in SCHEDULES:
        if other == name:
            continue
        word = rf"(?<![\w-]){re.escape(other)}(?![\w-])"
        pattern = word + "'s" if other in SHAPE_WORDS else word
        assert not re.search(pattern, shown), (other, shown)
        for formula in _formulas(other):
            if formula not in _formulas(name):
                assert formula not in shown, (other, formula)
    for fragment in {"exponential": ["1 / (1 + k p)"], "inverse-time": ["e^(-k p)"]}.get(name, []):
        assert fragment not in shown


KERAS_LIKE = "--decay-rate 0.96 is the tutorial's continuous rate: lr * e^(-0.96 * t / 100), as --gamma "


@pytest.mark.parametrize(
    ("argv", "noted"),
    [
        (["--decay-rate", "0.96", "--decay-steps", "100"], True),  # Keras's decay_rate=0.96, decay_steps=100
        (["--decay-rate", "0.96", "--decay-steps", "100", "-f", "csv"], True),
        (["--decay-rate", "0.05"], False),  # the tutorial's own command
        (["--decay-rate", "2", "--decay-steps", "100"], False),  # not a factor
        (["--decay-rate", "0", "--decay-steps", "100"], False),
        (["--gamma", "0.96", "--decay-steps", "100"], False),
    ],
)
def test_a_decay_rate_that_looks_like_keras_factor_gets_a_note(argv: list[str], noted: bool) -> None:
    result = lrsched("exponential", "--lr", "0.1", *argv, "-n", "3")
    assert result.exit_code == 0
    if noted:
        # e^-0.96 = 0.38289288597511206 (the gamma giving the same rows), and the way to Keras's meaning
        assert result.stderr == (
            f"note: {KERAS_LIKE}0.38289288597511206 would give; Keras's and optax's "
            "decay_rate=0.96 is a factor per decay_steps instead: for that, use --gamma 0.96\n"
        )
    else:
        assert result.stderr == ""


@pytest.mark.parametrize(("name", "length"), [("cosine", "t_max"), ("polynomial", "total_iters")])
def test_no_rows_record_no_length_computed_from_them(name: str, length: str) -> None:
    import json

    result = lrsched(name, "--lr", "0.1", "-n", "0", "-f", "json")
    assert json.loads(result.stdout)["params"][length] is None
    given = lrsched(name, "--lr", "0.1", "-n", "0", flag(length), "7", "-f", "json")
    assert json.loads(given.stdout)["params"][length] == 7
    assert_usage_error(lrsched(name, "--lr", "0.1", "-n", "0", "--emit", "torch"), "'--emit'", flag(length))
