"""``lrsched from CALL --emit TARGET``: a schedule ported between frameworks, and ``--emit lrsched``.

`tests/parity/port.json` holds, per call of `port_cases.py`, the rates its real framework
computes and, per target, what lrsched wrote (run in the real target framework) or refused
(`scripts/gen_port_goldens.py`, versions in the file). Only lrsched runs here.
"""

from __future__ import annotations

import json
import math
import shlex
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from emit_cases import CASES
from helpers import EXAMPLES, ROOT, assert_usage_error, lrsched, parity
from hypothesis import event, given, settings
from hypothesis import strategies as st
from port_cases import SOURCES, TARGETS, Source

from lrsched_cli.frameworks import FRAMEWORKS
from lrsched_cli.frameworks.expression import intended_rows
from lrsched_cli.frameworks.porting import translators

PORTED = parity("port")
RECORDS: list[dict[str, Any]] = PORTED["cases"]
PAIRS = [(record, target) for record in RECORDS for target in TARGETS]


def _source(record: dict[str, Any]) -> Source:
    return Source(record["framework"], record["expression"], record["lr"], record["epochs"])


def _id(pair: tuple[dict[str, Any], str]) -> str:
    record, target = pair
    return f"{record['expression']} --emit {target}"


def _rates(*argv: str) -> list[float]:
    result = lrsched(*argv, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return [row["lr"] for row in json.loads(result.stdout)["rows"]]


def _precision(*frameworks: str) -> float:
    """The looser of the frameworks' tolerances: where one computes in float32, 1e-6 of the peak."""
    return max(FRAMEWORKS[framework].tolerance for framework in frameworks if framework in FRAMEWORKS)


def _differing(got: list[float], want: list[float], tolerance: float) -> list[tuple[int, float, float]]:
    peak = max(map(abs, want))
    pairs = enumerate(zip(got, want, strict=True), 1)
    return [
        (k, a, b)
        for k, (a, b) in pairs
        if not math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance * peak)
    ]


def test_every_call_is_recorded() -> None:
    recorded = [(r["framework"], r["expression"], r["lr"], r["epochs"]) for r in RECORDS]
    assert recorded == [tuple(source) for source in SOURCES], "regenerate: scripts/gen_port_goldens.py"


@pytest.mark.parametrize("pair", [p for p in PAIRS if "code" in p[0]["ports"][p[1]]], ids=_id)
def test_the_port_is_the_recorded_code_and_the_real_target_computes_the_calls_rates(
    pair: tuple[dict[str, Any], str],
) -> None:
    record, target = pair
    port = record["ports"][target]
    emitted = lrsched(*_source(record).argv(), "--emit", target)
    assert emitted.exit_code == 0, emitted.stderr
    assert emitted.stdout == port["code"] + "\n", "the ported code drifted from the recorded one"
    want = record["rates"]  # the real source framework's
    assert _differing(_rates(*_source(record).argv()), want, _precision(record["framework"])) == []
    tolerance = _precision(record["framework"], target)
    if target == "lrsched":  # the command line's rows, against the real source framework
        got = _rates(*shlex.split(port["code"])[1:])
    else:  # the real target framework's rates, on the rows `from` prints
        got = port["rates"]
        read_back = _rates("from", port["code"], *([] if port["lr"] is None else ["--lr", repr(port["lr"])]))
        assert _differing(read_back, want, tolerance) == []  # from the line alone: its rows too
    assert len(got) == len(want)
    assert _differing(got, want, tolerance) == []


@pytest.mark.parametrize("pair", [p for p in PAIRS if "refused" in p[0]["ports"][p[1]]], ids=_id)
def test_a_refused_port_is_a_usage_error_saying_why(pair: tuple[dict[str, Any], str]) -> None:
    record, target = pair
    result = lrsched(*_source(record).argv(), "--emit", target)
    assert_usage_error(result, "'--emit'", f"{target} cannot reproduce")
    assert result.stderr.strip().splitlines()[-1] == record["ports"][target]["refused"]


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (  # periodic vs clamped past the end
            ["CosineAnnealingLR(optimizer, T_max=10)", "--lr", "0.1", "-n", "15", "--emit", "keras"],
            ["CosineDecay stays at its floor", "use --epochs 11 or fewer"],
        ),
        (  # clamped vs periodic: the source stays, lrsched's cosine climbs back
            ["optax.cosine_decay_schedule(0.1, 10)", "-n", "15", "--emit", "torch"],
            ["lrsched's cosine schedule gives", "at row 12", "use --epochs 11 or fewer"],
        ),
        (  # a warmup the target cannot start from
            [
                "CosineLRScheduler(optimizer, 20, warmup_t=3, warmup_lr_init=0.01, warmup_prefix=True)",
                "--lr",
                "0.1",
                "--emit",
                "hf",
            ],
            ["warmup in transformers starts from 0", "its equivalent: `lrsched cosine"],
        ),
        (  # float32 drift of a slow decay factor
            ["ExponentialLR(optimizer, gamma=0.999)", "--lr", "0.1", "-n", "3000", "--emit", "keras"],
            ["float32", "0.999"],
        ),
        (  # a boundary on the other side: timm switches a step early, and no timm is every timm
            ["MultiStepLR(optimizer, milestones=[4, 8])", "--lr", "0.1", "--emit", "timm"],
            ["drops one epoch early up to timm 1.0.31"],
        ),
        (  # a composite with no join
            [
                "ChainedScheduler([StepLR(optimizer, 3), ExponentialLR(optimizer, 0.9)])",
                "--lr",
                "0.1",
                "--emit",
                "optax",
            ],
            ["ChainedScheduler multiplies", "no such join"],
        ),
        (
            [
                "SequentialLR(optimizer, [StepLR(optimizer, 3), StepLR(optimizer, 5)], milestones=[6])",
                "--lr",
                "0.1",
                "--emit",
                "optax",
            ],
            ["this SequentialLR is no such join"],
        ),
        (
            ["LambdaLR(optimizer, lambda epoch: 0.9 ** epoch)", "--lr", "0.1", "--emit", "lrsched"],
            ["lambda", "knows a schedule by its parameters"],
        ),
        (
            ["TanhLRScheduler(optimizer, t_initial=10)", "--lr", "0.1", "--emit", "torch"],
            ["no tanh schedule"],
        ),
        (
            ["optax.exponential_decay(0.1, 5, 0.5, end_value=0.01)", "--emit", "torch"],
            ["end_value=0.01 clips the decay"],
        ),
        (  # a torch OneCycleLR's phase ends that optax's whole-step knots cannot hold
            ["OneCycleLR(optimizer, max_lr=0.1, total_steps=15)", "--emit", "optax"],
            ["the phases end at steps", "whole steps"],
        ),
        (  # the lines it prints are steps of the scheduler itself
            ["StepLR(optimizer, 3)", "--lr", "0.1", "--steps-per-epoch", "4", "--emit", "torch"],
            ["--steps-per-epoch", "drop it"],
        ),
        (["StepLR(optimizer, 3)", "--lr", "0.1", "-f", "csv", "--emit", "torch"], ["--format"]),
        (["StepLR(optimizer, 3)", "--lr", "0.1", "--expect", "1=0.1", "--emit", "torch"], ["--expect"]),
    ],
)
def test_refusals_name_what_differs(argv: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched("from", *argv), "'--emit'", *fragments)


def test_a_port_between_clocks_says_how_to_step_it() -> None:
    to_updates = lrsched("from", "StepLR(optimizer, 3)", "--lr", "0.1", "--emit", "optax")
    assert "optax steps exponential_decay once per optimizer update" in to_updates.stderr
    to_calls = lrsched(
        "from", "get_linear_schedule_with_warmup(optimizer, 2, 9)", "--lr", "0.1", "--emit", "torch"
    )
    assert "call scheduler.step() once per optimizer update, as transformers steps" in to_calls.stderr
    same = lrsched(
        "from", "get_linear_schedule_with_warmup(optimizer, 2, 9)", "--lr", "0.1", "--emit", "optax"
    )
    assert same.stderr == ""
    quiet = lrsched("from", "StepLR(optimizer, 3)", "--lr", "0.1", "--emit", "optax", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_a_port_from_a_framework_without_lr_names_the_optimizers_rate() -> None:
    result = lrsched("from", "keras.optimizers.schedules.ExponentialDecay(0.05, 10, 0.5)", "--emit", "torch")
    assert result.exit_code == 0
    assert result.stdout == "torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9330329915368074)\n"
    assert "build it with lr=0.05" in result.stderr


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (  # the README's examples
            ["OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)", "--emit", "optax"],
            "optax.piecewise_interpolate_schedule(interpolate_type='cosine', init_value=0.004, "
            "boundaries_and_scales={299: 25.0, 999: 4e-06})",
        ),
        (
            ["get_cosine_schedule_with_warmup(optimizer, 100, 1000)", "--lr", "3e-4", "--emit", "keras"],
            "keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.0, decay_steps=900, alpha=0.0, "
            "warmup_target=0.0003, warmup_steps=100)  # lrsched: 1000 rows",
        ),
        (
            ["get_cosine_schedule_with_warmup(optimizer, 100, 1000)", "--lr", "3e-4", "--emit", "lrsched"],
            "lrsched cosine --lr 0.0003 --t-max 900 --min-lr 0.0 --warmup 100 --warmup-start-lr 0.0 "
            "--epochs 1000",
        ),
        (  # optax's restarts as emit writes them, one cosine per cycle, back to Keras's SGDR
            [
                "optax.join_schedules(schedules=[optax.cosine_decay_schedule(0.1, 4, 0.1), "
                "optax.cosine_decay_schedule(0.1, 8, 0.1)], boundaries=[4])",
                "-n",
                "12",
                "--emit",
                "keras",
            ],
            "keras.optimizers.schedules.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=4, "
            "t_mul=2.0, m_mul=1.0, alpha=0.10000000000000002)  # lrsched: 12 rows",
        ),
        (
            ["keras.optimizers.schedules.PiecewiseConstantDecay([9], [0.1, 0.01])", "--emit", "torch"],
            "torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[10], gamma=0.09999999999999999)"
            "  # lrsched: 11 rows",
        ),
    ],
)
def test_ported_lines(argv: list[str], line: str) -> None:
    """Each as the target's own words for it (the README's examples among them)."""
    result = lrsched("from", *argv)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == line + "\n"


@pytest.mark.parametrize("command", list(CASES))
def test_emit_lrsched_writes_every_parameter_and_gives_the_same_rows(command: str) -> None:
    argv = shlex.split(command)
    line = lrsched(*argv, "--emit", "lrsched")
    assert line.exit_code == 0, line.stderr
    words = shlex.split(line.stdout)
    assert words[:2] == ["lrsched", argv[0]] and "--epochs" in words
    assert _rates(*words[1:]) == _rates(*argv)
    assert lrsched(*words[1:], "--emit", "lrsched").stdout == line.stdout  # canonical: a fixed point


def test_emit_lrsched_spells_out_the_defaults() -> None:
    result = lrsched("multistep", "--lr", "0.1", "--emit", "lrsched")
    assert (
        result.stdout
        == "lrsched multistep --lr 0.1 --milestones 30,80 --gamma 0.1 --warmup 0 --warmup-start-lr 0.0 "
        "--epochs 130\n"  # the natural length: the last milestone, 80, and one more period of 50
    )
    flags = lrsched("exponential", "--lr", "0.1", "--gamma", "0.5", "--decay-steps", "3", "--staircase",
                    "--steps-per-epoch", "2", "-n", "4", "--emit", "lrsched")  # fmt: skip
    assert flags.stdout == (
        "lrsched exponential --lr 0.1 --gamma 0.5 --decay-steps 3 --staircase --warmup 0 "
        "--warmup-start-lr 0.0 --steps-per-epoch 2 --epochs 4\n"
    )


def test_emit_lrsched_refuses_a_schedule_read_from_a_file() -> None:
    result = lrsched(
        "plateau", "--lr", "0.1", "--metrics", str(EXAMPLES / "val_loss.txt"), "--emit", "lrsched"
    )
    assert_usage_error(result, "'--emit'", "reads --metrics from a file")


def test_the_trainer_emits_its_per_update_schedule() -> None:
    config = str(EXAMPLES / "hf-args.yaml")
    line = lrsched("trainer", "hf", config, "--samples", "1000", "--emit", "lrsched")
    assert line.exit_code == 0, line.stderr
    words = shlex.split(line.stdout)
    assert words[0] == "lrsched"
    assert _rates(*words[1:]) == pytest.approx(_rates("trainer", "hf", config, "--samples", "1000"), rel=1e-9)


def test_the_rows_comment_is_read_only_as_a_comment() -> None:
    assert intended_rows("StepLR(optimizer, 3)  # lrsched: 12 rows") == 12
    assert intended_rows("get_scheduler('# lrsched: 12 rows', optimizer)") is None
    assert intended_rows("StepLR(optimizer, 3)  # 12 rows") is None
    assert lrsched("from", "StepLR(optimizer, 3)  # lrsched: 12 rows", "--lr", "0.1").stdout.count("\n") == 12


@st.composite
def calls(draw: st.DrawFn) -> list[str]:
    """A source call of one of the five frameworks, with its --lr and rows."""
    t = draw(st.integers(1, 12))
    w = draw(st.integers(0, 4))
    lr = draw(st.sampled_from(["0.1", "0.003"]))
    floor = draw(st.sampled_from(["0.0", "0.0001"]))
    gamma = draw(st.sampled_from(["0.5", "0.9"]))
    call = draw(
        st.sampled_from(
            [
                f"StepLR(optimizer, {t}, gamma={gamma})",
                f"ExponentialLR(optimizer, {gamma})",
                f"CosineAnnealingLR(optimizer, T_max={t}, eta_min={floor})",
                f"CosineAnnealingWarmRestarts(optimizer, T_0={t}, T_mult={draw(st.integers(1, 3))})",
                f"MultiStepLR(optimizer, [{t}, {t + w + 1}], gamma={gamma})",
                f"PolynomialLR(optimizer, total_iters={t}, power=2.0)",
                f"LinearLR(optimizer, start_factor=1.0, end_factor=0.0, total_iters={t})",
                f"keras.optimizers.schedules.CosineDecay({lr}, {t}, alpha=0.1)",
                f"keras.optimizers.schedules.ExponentialDecay({lr}, {t}, {gamma}, staircase=True)",
                f"optax.warmup_cosine_decay_schedule(0.0, {lr}, {w}, {w + t}, end_value={floor})",
                f"optax.polynomial_schedule({lr}, {floor}, 1, {t})",
                f"get_cosine_schedule_with_warmup(optimizer, {w}, {w + t})",
                f"get_linear_schedule_with_warmup(optimizer, {w}, {w + t})",
                f"CosineLRScheduler(optimizer, t_initial={t}, lr_min={floor}, warmup_t={w}, "
                "warmup_prefix=True)",
                f"StepLRScheduler(optimizer, decay_t={t}, decay_rate={gamma}, warmup_t={w})",
            ]
        )
    )
    argv = [call, "--lr", lr]
    if draw(st.booleans()):
        argv += ["-n", str(draw(st.integers(1, 40)))]
    return argv


@settings(max_examples=120, deadline=None)
@given(argv=calls(), target=st.sampled_from(TARGETS))
def test_a_port_read_back_gives_the_calls_rows(argv: list[str], target: str) -> None:
    """Round trip: whatever ``from CALL --emit TARGET`` writes, ``from`` reads back (no -n: the
    line carries its rows) as the call's rows; the lrsched line runs to them too."""
    emitted = lrsched("from", *argv, "--emit", target)
    assert emitted.exit_code in (0, 2), emitted.stderr
    event("ported" if emitted.exit_code == 0 else "refused")
    if emitted.exit_code == 2:
        assert emitted.stdout == "" and "Traceback" not in emitted.stderr
        return
    want = _rates("from", *argv)
    source = lrsched("from", *argv, "-f", "json")
    framework = json.loads(source.stdout)["params"]["framework"]
    if target == "lrsched":
        got = _rates(*shlex.split(emitted.stdout)[1:])
    else:
        note = [word for word in emitted.stderr.split() if word.startswith("lr=")]
        lr = note[0].removeprefix("lr=") if note else argv[2]
        got = _rates("from", emitted.stdout.strip(), "--lr", lr)
    assert len(got) == len(want)
    assert _differing(got, want, _precision(framework, target)) == [], emitted.stdout


README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Port a schedule", 1)[1].split("\n## ", 1)[0]


def test_the_readme_pairs_table_says_which_source_reaches_which_target() -> None:
    header = "| source | " + " | ".join(TARGETS) + " |\n|---|" + "---|" * len(TARGETS) + "\n"
    rows = SECTION.split(header, 1)[1].split("\n\n", 1)[0].splitlines()
    written = {
        row.split("|")[1].strip().replace("`", ""): [c.strip() for c in row.split("|")[2:-1]] for row in rows
    }
    reached: dict[str, list[str]] = {}
    for record in RECORDS:
        name = record["expression"].split("(", 1)[0].rsplit(".", 1)[-1]
        cells = reached.setdefault(f"{record['framework']} {name}", ["—"] * len(TARGETS))
        for i, target in enumerate(TARGETS):
            if "code" in record["ports"][target]:
                cells[i] = "yes"
    assert written == reached


def test_a_lightning_run_stepped_per_update_emits_and_one_stepped_per_epoch_is_refused(
    tmp_path: Path,
) -> None:
    config = (EXAMPLES / "lightning.yaml").read_text()
    per_update = lrsched(
        "trainer", "lightning", str(EXAMPLES / "lightning.yaml"), "--samples", "1000", "--batch-size", "32",
        "--emit", "lrsched",
    )  # fmt: skip
    assert per_update.stdout.startswith("lrsched onecycle --max-lr 2e-05 --total-steps 9 ")
    per_epoch = tmp_path / "per-epoch.yaml"
    per_epoch.write_text(config.replace("interval: step", "interval: epoch"))
    refused = lrsched(
        "trainer", "lightning", str(per_epoch), "--samples", "1000", "--batch-size", "32", "--emit", "torch"
    )
    assert_usage_error(refused, "'--emit'", "other than once per update")


def test_a_framework_without_a_generic_module_has_no_translators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stack lrsched reads (``from``) but does not port from: refused, never a traceback."""
    folder = types.ModuleType("lrsched_cli.frameworks.stack")
    folder.__path__ = [str(tmp_path)]  # a framework folder with no generic.py
    monkeypatch.setitem(sys.modules, folder.__name__, folder)
    assert translators("stack") == {}


def test_a_stated_row_count_of_zero_is_kept() -> None:
    assert lrsched("from", "StepLR(optimizer, 3)  # lrsched: 0 rows", "--lr", "0.1").stdout == ""


@pytest.mark.parametrize(
    "expression",
    [
        "CyclicLR(optimizer, 0.0, 0.001, -1)",
        "keras.optimizers.schedules.PiecewiseConstantDecay([-5], [0.1, 0.01])",
    ],
)
def test_a_negative_natural_length_is_none(expression: str) -> None:
    """Found by fuzzing the ports: torch's CyclicLR takes step_size_up=-1 (a cycle of -2 steps), and
    `from` counted -2 rows (an islice traceback); such a call shows the default 30 rows."""
    result = lrsched("from", expression, "--lr", "0.1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 30


@pytest.mark.parametrize(
    ("argv", "warmup"),
    [
        (
            ["cosine", "--lr", "0.1", "--warmup-steps", "3", "--steps-per-epoch", "2", "-n", "5"],
            "--warmup-steps 3",
        ),
        (
            ["cosine", "--lr", "0.1", "--warmup-ratio", "0.25", "-n", "8"],
            "--warmup-steps 2",
        ),  # ceil(8 x 0.25)
        (
            [
                "step",
                "--lr",
                "0.1",
                "--step-size",
                "2",
                "--warmup-steps",
                "3",
                "--steps-per-epoch",
                "2",
                "--by-epoch",
                "-n",
                "5",
            ],
            "--by-epoch",
        ),
        (["constant", "--lr", "0.1", "--steps-per-epoch", "3"], "--warmup 0"),  # 16 rows: no whole epochs
    ],
)
def test_the_lrsched_line_keeps_a_warmup_in_steps_and_a_natural_length_of_steps(
    argv: list[str], warmup: str
) -> None:
    line = lrsched(*argv, "--emit", "lrsched")
    assert line.exit_code == 0, line.stderr
    assert warmup in line.stdout
    words = shlex.split(line.stdout)
    assert _rates(*words[1:]) == _rates(*argv)
