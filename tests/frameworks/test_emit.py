"""``--emit FRAMEWORK``: the code it prints, the round trip back through ``lrsched from``, refusals."""

from __future__ import annotations

import itertools
import json
import shlex
from pathlib import Path

import pytest
from emit_cases import ALL, CASES
from helpers import PARITY, ROOT, assert_usage_error, lrsched
from hypothesis import event, given, settings
from hypothesis import strategies as st

from lrsched_cli.frameworks import FRAMEWORKS
from lrsched_cli.frameworks.dispatch import reproduce
from lrsched_cli.frameworks.emitters import emitters
from lrsched_cli.registry import SCHEDULES

PAIRS = [(argv, framework) for argv, emitting in CASES.items() for framework in ALL if framework in emitting]
REFUSED = [
    (argv, framework) for argv, emitting in CASES.items() for framework in ALL if framework not in emitting
]


def _rates(argv: list[str]) -> list[float]:
    result = lrsched(*argv, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return [row["lr"] for row in json.loads(result.stdout)["rows"]]


@pytest.mark.parametrize(("command", "framework"), PAIRS)
def test_lrsched_from_gives_back_the_same_rows(command: str, framework: str) -> None:
    """The README's round trip, for every emitting pair: ``lrsched from "$(lrsched ... --emit X)"``
    prints the command's rows, as many as it prints (no --epochs: the line says how many)."""
    argv = shlex.split(command)
    emitted = lrsched(*argv, "--emit", framework)
    assert emitted.exit_code == 0, emitted.stderr
    assert emitted.stdout.count("\n") == 1  # one expression, one line: $(...) takes it whole
    lr = ["--lr", argv[argv.index("--lr") + 1]] if "--lr" in argv else []  # the optimizer's
    assert reproduce(emitted.stdout.strip(), lr=None if not lr else float(lr[1])).framework == framework
    ours = _rates(argv)
    theirs = _rates(["from", emitted.stdout.strip(), *lr])
    assert len(theirs) == len(ours)
    peak = max(ours)
    wrong = [
        (k, a, b)
        for k, (a, b) in enumerate(zip(theirs, ours), 1)
        if not FRAMEWORKS[framework].agrees(a, b, peak)
    ]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize(("command", "framework"), REFUSED)
def test_a_framework_that_cannot_express_the_schedule_refuses(command: str, framework: str) -> None:
    result = lrsched(*shlex.split(command), "--emit", framework)
    assert_usage_error(result, "'--emit'", f"{framework} cannot reproduce this")


def test_the_round_trip_through_the_from_command() -> None:
    """The README's example (issue 9, defect 5): 30 rows back, not T_max + 1 = 31."""
    emitted = lrsched("cosine", "--lr", "0.1", "--emit", "torch").stdout.strip()
    assert emitted.endswith("  # lrsched: 30 rows")
    back = lrsched("from", emitted, "--lr", "0.1")
    assert back.exit_code == 0, back.stderr
    assert back.stdout == lrsched("cosine", "--lr", "0.1").stdout
    assert lrsched("from", emitted, "--lr", "0.1", "-n", "31").stdout.count("\n") == 31  # -n still wins


T = "torch.optim.lr_scheduler."
K = "keras.optimizers.schedules."
EMITTED = {
    "step --lr 0.1 --step-size 10 --emit torch": f"{T}StepLR(optimizer, step_size=10, gamma=0.1)",
    "step --lr 0.1 --step-size 10 --gamma 0.5 --emit keras": f"{K}ExponentialDecay("
    "initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True)",
    "cosine --lr 0.1 --t-max 90 --warmup 5 --emit optax": "optax.warmup_cosine_decay_schedule("
    "init_value=0.0, peak_value=0.1, warmup_steps=5, decay_steps=95, end_value=0.0)  # lrsched: 95 rows",
    "cosine --lr 0.1 --t-max 90 --warmup 5 --emit hf": "transformers.get_cosine_schedule_with_warmup("
    "optimizer, num_warmup_steps=5, num_training_steps=95)",
    "cosine --lr 0.1 --min-lr 0.001 --warmup 2 --warmup-start-lr 0.01 --emit timm": "timm.scheduler."
    "CosineLRScheduler(optimizer, t_initial=28, lr_min=0.001, "
    "warmup_t=2, warmup_lr_init=0.01, warmup_prefix=True)",
    # LinearLR cannot start from 0: hold 0 for one step, then ramp through t / 3 to the schedule.
    "cosine --lr 0.1 --t-max 10 --warmup 3 --emit torch": f"{T}SequentialLR(optimizer, schedulers=["
    f"{T}ConstantLR(optimizer, factor=0.0, total_iters=1), "
    f"{T}LinearLR(optimizer, start_factor=0.3333333333333333, end_factor=1.0, total_iters=2), "
    f"{T}CosineAnnealingLR(optimizer, T_max=10, eta_min=0.0)], milestones=[1, 3])  # lrsched: 13 rows",
    # --steps-per-epoch: durations in steps, and timm counts updates
    "step --lr 0.1 --step-size 2 --steps-per-epoch 100 --emit timm": "timm.scheduler.StepLRScheduler("
    "optimizer, decay_t=200, decay_rate=0.1, t_in_epochs=False)  # lrsched: 3000 rows",
    "cosine-restarts --lr 0.1 --t-0 10 --t-mult 2 --emit keras": f"{K}CosineDecayRestarts("
    "initial_learning_rate=0.1, first_decay_steps=10, t_mul=2.0, m_mul=1.0, alpha=0.0)  # lrsched: 30 rows",
    "cosine-restarts --lr 0.1 --t-0 10 --emit hf": "transformers."
    "get_cosine_with_hard_restarts_schedule_with_warmup("
    "optimizer, num_warmup_steps=0, num_training_steps=30, num_cycles=3)",
}


@pytest.mark.parametrize("command", EMITTED)
def test_emitted_code(command: str) -> None:
    result = lrsched(*command.split())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EMITTED[command] + "\n"


@pytest.mark.parametrize(
    ("command", "fragments"),
    [
        (
            "step --lr 0.1 --step-size 3 --emit hf",
            ["transformers has no step, multistep or exponential decay"],
        ),
        (
            "cosine --lr 0.1 --warmup 2 --warmup-start-lr 0.01 --emit hf",
            ["starts from 0", "--warmup-start-lr"],
        ),
        ("cosine --lr 0.1 --t-max 10 -n 12 --emit keras", ["stays at its floor", "use --epochs 11 or fewer"]),
        ("cosine --lr 0.1 --t-max 10 -n 12 --emit timm", ["stays at lr_min", "--epochs 11 or fewer"]),
        (
            "cosine --lr 0.1 --t-max 4 --steps-per-epoch 10 -n 5 --emit optax",
            ["that is 41 rows, not 50", "--epochs 4 or fewer"],
        ),
        ("exponential --lr 0.1 --gamma 0.9 --warmup 2 --emit keras", ["has no warmup", "drop --warmup\n"]),
        (  # the message names the option the warmup was given with
            "exponential --lr 0.1 --gamma 0.9 --warmup-steps 2 --emit keras",
            ["has no warmup", "drop --warmup-steps"],
        ),
        (
            "onecycle --max-lr 0.1 --total-steps 30 --warmup-ratio 0.1 -n 33 --emit torch",
            ["cannot ramp into it", "drop --warmup-ratio"],
        ),
        ("exponential --lr 0.1 --gamma 0 --emit optax", ["decay_rate of 0"]),
        ("exponential --lr 0.1 --gamma 0.999 -n 2000 --emit keras", ["float32", "0.999"]),
        ("cosine-restarts --lr 0.1 --t-0 5 --decay 0.5 --emit torch", ["same peak", "--decay"]),
        ("cosine-restarts --lr 0.1 --t-0 1 -n 500 --emit optax", ["one cosine per restart cycle"]),
        (  # found by scripts/fuzz_emit.py: Keras's float32 step / 5 drifted 3.5e-6 at row 163
            "cosine-restarts --lr 0.578011 --t-0 5 -n 263 --emit keras",
            ["float32", "step / first_decay_steps", "use --epochs 42 or fewer"],
        ),
        (
            "cosine-restarts --lr 0.1 --t-0 6 --steps-per-epoch 7 -n 232 --emit keras",
            ["step / first_decay_steps", "use --epochs 50 or fewer"],
        ),
        ("step --lr 1e39 --step-size 3 --emit keras", ["float32", "--lr 1e+39"]),
        ("cosine --lr 0.1 --min-lr 1e-40 --emit optax", ["float32", "--min-lr 1e-40"]),
    ],
)
def test_inexpressible_schedules_are_usage_errors_that_say_why(command: str, fragments: list[str]) -> None:
    assert_usage_error(lrsched(*command.split()), "'--emit'", *fragments)


@pytest.mark.parametrize("framework", ALL)
def test_plateau_follows_a_metric_and_does_not_emit(framework: str) -> None:
    metrics = str(PARITY / "metrics" / "loss.txt")
    result = lrsched("plateau", "--lr", "0.1", "--metrics", metrics, "--emit", framework)
    assert_usage_error(result, "'--emit'", "plateau follows a metric file")


def test_an_unknown_framework_is_a_usage_error() -> None:
    assert_usage_error(lrsched("step", "--lr", "0.1", "--step-size", "3", "--emit", "jax"), "'--emit'", "jax")


def test_emit_checks_the_schedule_first() -> None:
    assert_usage_error(lrsched("step", "--lr", "0.1", "--step-size", "0", "--emit", "torch"), "'--step-size'")


@st.composite
def emit_argvs(draw: st.DrawFn) -> list[str]:
    """A valid schedule command line, with options drawn from values at the edges."""
    name = draw(st.sampled_from(sorted(FUZZED)))
    argv = [name, "--lr", draw(st.sampled_from(["0.1", "1", "0.003"]))]
    for option, values in [*FUZZED[name].items(), *SHARED.items()]:
        if draw(st.booleans()):
            argv += [option, draw(st.sampled_from(values))] if values else [option]
    return argv


SHARED = {
    "--warmup": ["1", "2", "5"],
    "--warmup-start-lr": ["0", "0.001"],
    "--steps-per-epoch": ["1", "3"],
    "-n": ["1", "7", "40"],
}
FUZZED: dict[str, dict[str, list[str]]] = {
    "step": {"--step-size": ["1", "3"], "--gamma": ["0", "0.5", "1"]},
    "exponential": {"--gamma": ["0.5", "0.97"], "--decay-steps": ["1", "4"], "--staircase": []},
    "cosine": {"--t-max": ["1", "9"], "--min-lr": ["0", "0.0005"]},
    "cosine-restarts": {"--t-0": ["1", "3"], "--t-mult": ["1", "2", "3"], "--min-lr": ["0", "0.0005"]},
    "multistep": {"--milestones": ["0,2", "3,3,5"], "--gamma": ["0", "0.5"]},
    "constant": {"--factor": ["0", "0.5", "1"], "--total-iters": ["1", "4"]},
    "linear": {"--start-factor": ["0.25", "1"], "--end-factor": ["0", "0.5"], "--total-iters": ["1", "6"]},
    "polynomial": {"--total-iters": ["1", "6"], "--power": ["0.5", "2"], "--min-lr": ["0", "0.0005"]},
    "inverse-sqrt": {"--timescale": ["1", "4"]},
    "wsd": {"--stable-steps": ["0", "3"], "--decay-steps": ["1", "5"], "--min-lr": ["0", "0.001"]},
}


@settings(max_examples=150, deadline=None)
@given(argv=emit_argvs(), framework=st.sampled_from(ALL))
def test_whatever_emits_reproduces_lrscheds_rows(argv: list[str], framework: str) -> None:
    emitted = lrsched(*argv, "--emit", framework)
    assert emitted.exit_code in (0, 2), emitted.stderr
    event("emitted" if emitted.exit_code == 0 else "refused")
    if emitted.exit_code == 2:
        assert emitted.stdout == "" and "Traceback" not in emitted.stderr
        return
    lr = float(argv[2])
    reproduction = reproduce(emitted.stdout.strip(), lr=lr)
    ours = _rates(argv)
    theirs = list(itertools.islice(reproduction.rates(lr if reproduction.needs_lr else None), len(ours)))
    wrong = [
        (k, a, b)
        for k, (a, b) in enumerate(zip(theirs, ours), 1)
        if not FRAMEWORKS[framework].agrees(a, b, lr)
    ]
    assert len(theirs) == len(ours) and not wrong, (emitted.stdout, wrong[:5])


@settings(max_examples=100, deadline=None)
@given(argv=emit_argvs())
def test_the_lrsched_line_prints_the_same_rows_and_is_a_fixed_point(argv: list[str]) -> None:
    """``--emit lrsched``: every resolved parameter written out; the line prints the rows again,
    and written out again it is the same line."""
    line = lrsched(*argv, "--emit", "lrsched")
    if lrsched(*argv, "-f", "json").exit_code != 0:  # a usage error either way
        assert line.exit_code == 2 and line.stdout == ""
        return
    assert line.exit_code == 0, line.stderr
    words = shlex.split(line.stdout)
    assert _rates(words[1:]) == _rates(argv)
    assert lrsched(*words[1:], "--emit", "lrsched").stdout == line.stdout


README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Emit framework code", 1)[1].split("\n## ", 1)[0]


def test_the_readme_table_says_which_schedule_emits_where() -> None:
    table = SECTION.split("| schedule | torch | keras | optax | hf | timm |\n|---|---|---|---|---|---|\n", 1)[
        1
    ]
    rows = table.split("\n\n", 1)[0].splitlines()
    written = {row.split("|")[1].strip(" `"): [cell.strip() for cell in row.split("|")[2:-1]] for row in rows}
    emits = {name: ["yes" if callable(emitters(f).get(name)) else "—" for f in ALL] for name in SCHEDULES}
    assert written == emits


def test_the_readme_examples_print_what_they_say() -> None:
    lines = SECTION.split("```\n", 2)[1].splitlines()
    examples = list(zip(lines[::2], lines[1::2]))
    assert len(examples) == 6
    for command, output in examples:
        assert command.startswith("$ lrsched ")
        assert lrsched(*shlex.split(command)[2:]).stdout == output + "\n", command


def test_emit_writes_to_output(tmp_path: Path) -> None:
    path = tmp_path / "scheduler.py"
    result = lrsched("step", "--lr", "0.1", "--step-size", "3", "--emit", "torch", "--output", str(path))
    assert result.exit_code == 0 and result.stdout == ""
    assert path.read_text() == "torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.1)\n"


def test_emit_and_a_check_are_one_or_the_other() -> None:
    result = lrsched("step", "--lr", "0.1", "--step-size", "3", "--emit", "torch", "--expect", "1=0.1")
    assert_usage_error(result, "'--emit'", "--expect")


@pytest.mark.parametrize("extra", [["-f", "csv"], ["-f", "plot"], ["-f", "plot", "--log-y"]])
def test_emit_refuses_output_formats_it_would_ignore(extra: list[str]) -> None:
    result = lrsched("step", "--lr", "0.1", "--step-size", "3", "--emit", "torch", *extra)
    assert_usage_error(result, "'--emit'", "--format and --log-y do not apply")
