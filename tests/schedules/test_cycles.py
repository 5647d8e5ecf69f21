"""onecycle and cyclic: PyTorch's numbers at every boundary, properties, and every bad input."""

from __future__ import annotations

import csv
import io
import math

import pytest
from helpers import assert_usage_error, lrsched, parity
from hypothesis import given
from hypothesis import strategies as st

from lrsched_cli.schedules import BeyondEnd
from lrsched_cli.schedules.cycles import AnnealStrategy, CyclicMode, cyclic, one_cycle


def rates(*argv: str) -> list[float]:
    result = lrsched(*argv, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return [float(row["lr"]) for row in csv.DictReader(io.StringIO(result.stdout))]


# torch 2.13 OneCycleLR(max_lr=0.1, total_steps=10), t = 0 .. 10 (t = 10 is its extrapolated step)
TORCH_TWO_PHASE_COS = parity("suites")["vectors"]["test_cycles:TORCH_TWO_PHASE_COS"]["rates"]
# torch 2.13 OneCycleLR(max_lr=0.1, total_steps=10, three_phase=True, anneal_strategy="linear")
TORCH_THREE_PHASE_LINEAR = parity("suites")["vectors"]["test_cycles:TORCH_THREE_PHASE_LINEAR"]["rates"]


def test_one_cycle_two_phase_cosine_matches_pytorch_through_total_steps() -> None:
    rate = one_cycle(max_lr=0.1, total_steps=10)
    assert [rate(t) for t in range(11)] == pytest.approx(TORCH_TWO_PHASE_COS, rel=1e-12)
    assert rate(2) == 0.1  # the peak, at the first phase's end pct * T - 1 = 2
    assert rate(9) == pytest.approx(0.1 / 25 / 1e4, rel=1e-12)  # the floor, at T - 1


def test_one_cycle_three_phase_linear_matches_pytorch_through_total_steps() -> None:
    rate = one_cycle(max_lr=0.1, total_steps=10, three_phase=True, anneal_strategy=AnnealStrategy.linear)
    assert [rate(t) for t in range(11)] == pytest.approx(TORCH_THREE_PHASE_LINEAR, rel=1e-9)


def test_one_cycle_refuses_steps_past_total_steps_as_pytorch_raises() -> None:
    rate = one_cycle(max_lr=0.1, total_steps=10)
    with pytest.raises(BeyondEnd) as raised:
        rate(11)
    assert raised.value.rows == 11


def test_onecycle_rows_default_to_total_steps_or_total_steps_to_rows() -> None:
    assert rates("onecycle", "--max-lr", "0.1", "--total-steps", "10") == pytest.approx(
        TORCH_TWO_PHASE_COS[:10]
    )
    assert rates("onecycle", "--max-lr", "0.1", "-n", "10") == pytest.approx(TORCH_TWO_PHASE_COS[:10])
    shown = rates("onecycle", "--max-lr", "0.1", "--total-steps", "10", "-n", "11")
    assert shown == pytest.approx(TORCH_TWO_PHASE_COS)


def test_onecycle_warmup_shortens_the_default_cycle_and_ramps_to_its_first_rate() -> None:
    shown = rates("onecycle", "--max-lr", "0.1", "--warmup", "2", "-n", "12")
    assert shown == pytest.approx([0.0, 0.0020000000000000018, *TORCH_TWO_PHASE_COS[:10]])


@pytest.mark.parametrize(
    ("argv", "most"),
    [
        (["--total-steps", "10", "-n", "12"], "11"),
        (["--total-steps", "10", "--warmup", "3", "-n", "15"], "14"),
        (["--total-steps", "40", "--steps-per-epoch", "4", "-n", "11"], "10"),
    ],
)
def test_onecycle_past_the_extrapolated_step_is_a_usage_error(argv: list[str], most: str) -> None:
    result = lrsched("onecycle", "--max-lr", "0.1", *argv)
    assert_usage_error(result, "'--epochs'", f"at most {most}", "PyTorch OneCycleLR raises")


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--pct-start", "0"], ["'--pct-start'", "between 0 and 1", "got 0.0"]),
        (["--pct-start", "1"], ["'--pct-start'", "got 1.0"]),
        (["--pct-start", "1.5"], ["'--pct-start'", "got 1.5"]),
        (["--pct-start", "-0.1"], ["'--pct-start'", "got -0.1"]),
        (["--pct-start", "nan"], ["'--pct-start'", "finite"]),
        (["--pct-start", "0.1", "--total-steps", "10"], ["'--pct-start'", "phase 1 no length"]),
        (["--div-factor", "0.5"], ["'--div-factor'", "at least 1", "got 0.5"]),
        (["--final-div-factor", "0"], ["'--final-div-factor'", "got 0.0"]),
        (["--total-steps", "0"], ["'--total-steps'", "got 0"]),
        (["--anneal-strategy", "cosine"], ["'--anneal-strategy'"]),
    ],
)
def test_onecycle_bad_input(argv: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched("onecycle", "--max-lr", "0.1", *argv), *fragments)


@pytest.mark.parametrize("value", ["0", "-0.1", "inf", "1e309"])
def test_onecycle_max_lr_must_be_a_positive_finite_number(value: str) -> None:
    assert_usage_error(lrsched("onecycle", "--max-lr", value), "'--max-lr'")


@given(
    total=st.integers(2, 300),
    pct=st.floats(0.05, 0.95),
    three=st.booleans(),
    linear=st.booleans(),
)
def test_one_cycle_peaks_at_its_first_phase_end_and_stays_between_floor_and_peak(
    total: int, pct: float, three: bool, linear: bool
) -> None:
    end = pct * total - 1
    if end < 0 or (three and pct > 0.5) or end == 0:
        return
    strategy = AnnealStrategy.linear if linear else AnnealStrategy.cos
    rate = one_cycle(
        max_lr=1.0, total_steps=total, pct_start=pct, three_phase=three, anneal_strategy=strategy
    )
    values = [rate(t) for t in range(total)]
    assert all(1 / 25 / 1e4 - 1e-12 <= v <= 1.0 + 1e-12 for v in values)
    assert values.index(max(values)) in {math.floor(end), math.ceil(end)}


# torch 2.13 CyclicLR(base_lr=0.1, max_lr=1.0, step_size_up=2, step_size_down=3, mode="triangular2")
TORCH_TRIANGULAR2 = parity("suites")["vectors"]["test_cycles:TORCH_TRIANGULAR2"]["rates"]


def test_cyclic_triangular2_halves_each_cycle_with_asymmetric_sides_as_pytorch() -> None:
    rate = cyclic(base_lr=0.1, max_lr=1.0, step_size_up=2, step_size_down=3, mode=CyclicMode.triangular2)
    assert [rate(t) for t in range(12)] == pytest.approx(TORCH_TRIANGULAR2, rel=1e-12)


def test_cyclic_exp_range_scales_by_gamma_per_step_as_pytorch() -> None:
    rate = cyclic(base_lr=0.0, max_lr=1.0, step_size_up=2, mode=CyclicMode.exp_range, gamma=0.5)
    assert [rate(t) for t in range(6)] == [0.0, 0.25, 0.25, 0.0625, 0.0, 0.015625]


def test_cyclic_step_size_down_defaults_to_up_and_a_long_run_does_not_overflow() -> None:
    assert rates("cyclic", "--base-lr", "0", "--max-lr", "1", "--step-size-up", "2", "-n", "5") == [
        0.0, 0.5, 1.0, 0.5, 0.0,
    ]  # fmt: skip
    rate = cyclic(base_lr=0.0, max_lr=1.0, step_size_up=1, mode=CyclicMode.triangular2)
    assert rate(2 * 1100 + 1) == 0.0  # 1 / 2^1100 underflows to 0, as it should, without an error


@given(
    up=st.integers(1, 50),
    down=st.integers(1, 50),
    t=st.integers(0, 10_000),
    base=st.floats(0, 1),
    span=st.floats(1e-6, 1),
)
def test_cyclic_triangular_is_periodic_and_bounded(
    up: int, down: int, t: int, base: float, span: float
) -> None:
    rate = cyclic(base_lr=base, max_lr=base + span, step_size_up=up, step_size_down=down)
    assert rate(t + up + down) == pytest.approx(rate(t), rel=1e-12, abs=1e-15)
    assert base - 1e-15 <= rate(t) <= base + span + 1e-15
    assert rate((t // (up + down)) * (up + down) + up) == pytest.approx(base + span)  # the peak


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (
            ["--base-lr", "0.1", "--max-lr", "0.01"],
            ["'--max-lr'", "must not be below --base-lr (0.1)", "got 0.01"],
        ),
        (["--base-lr", "-0.1", "--max-lr", "0.1"], ["'--base-lr'", "got -0.1"]),
        (["--base-lr", "0", "--max-lr", "0"], ["'--max-lr'", "positive"]),
        (["--base-lr", "0", "--max-lr", "inf"], ["'--max-lr'", "finite"]),
        (["--base-lr", "nan", "--max-lr", "1"], ["'--base-lr'", "finite"]),
        (["--base-lr", "0", "--max-lr", "1", "--step-size-up", "0"], ["'--step-size-up'", "got 0"]),
        (["--base-lr", "0", "--max-lr", "1", "--step-size-down", "-2"], ["'--step-size-down'", "got -2"]),
        (
            ["--base-lr", "0", "--max-lr", "1", "--mode", "exp_range", "--gamma", "1.5"],
            ["'--gamma'", "got 1.5"],
        ),
        (
            ["--base-lr", "0", "--max-lr", "1", "--gamma", "0.9"],
            ["'--gamma'", "exp_range only", "triangular"],
        ),
        (["--base-lr", "0", "--max-lr", "1", "--mode", "triangle"], ["'--mode'"]),
    ],
)
def test_cyclic_bad_input(argv: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched("cyclic", *argv), *fragments)


def test_cyclic_json_records_the_resolved_step_size_down() -> None:
    import json

    def params(*extra: str) -> dict[str, object]:
        argv = ["cyclic", "--base-lr", "0.01", "--max-lr", "0.1", "--step-size-up", "3", *extra]
        result = lrsched(*argv, "-n", "1", "-f", "json")
        assert result.exit_code == 0, result.stderr
        return dict(json.loads(result.stdout)["params"])

    assert params()["step_size_down"] == 3
    assert params("--steps-per-epoch", "4")["step_size_down"] == 3  # in epochs, as typed
    assert params("--step-size-down", "5")["step_size_down"] == 5
