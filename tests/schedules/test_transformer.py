"""inverse-sqrt and wsd: Hugging Face's numbers at every boundary, properties, and bad input."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math

import pytest
from helpers import assert_usage_error, lrsched, parity
from hypothesis import given
from hypothesis import strategies as st

from lrsched_cli.schedules.transformer import DecayType, inverse_sqrt, warmup_stable_decay


def rates(*argv: str) -> list[float]:
    result = lrsched(*argv, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return [float(row["lr"]) for row in csv.DictReader(io.StringIO(result.stdout))]


# transformers 5.24 get_inverse_sqrt_schedule(num_warmup_steps=4), lr 1.0, steps 0 .. 7
HF_INVERSE_SQRT_WARMUP_4 = parity("suites")["vectors"]["test_transformer:HF_INVERSE_SQRT_WARMUP_4"]["rates"]


def test_inverse_sqrt_with_warmup_matches_hf_and_takes_the_warmup_as_timescale() -> None:
    assert rates("inverse-sqrt", "--lr", "1", "--warmup", "4", "-n", "8") == pytest.approx(
        HF_INVERSE_SQRT_WARMUP_4, rel=1e-12
    )
    result = lrsched("inverse-sqrt", "--lr", "1", "--warmup", "4", "-n", "1", "-f", "json")
    assert json.loads(result.stdout)["params"]["timescale"] == 4


def test_inverse_sqrt_without_warmup_has_hf_timescale_10000() -> None:
    rate = inverse_sqrt(lr=1.0)
    assert rate(0) == 1.0
    assert rate(10_000) == pytest.approx(1 / math.sqrt(2), rel=1e-15)
    result = lrsched("inverse-sqrt", "--lr", "1", "-n", "1", "-f", "json")
    assert json.loads(result.stdout)["params"]["timescale"] == 10_000


def test_inverse_sqrt_timescale_given_wins_over_the_warmup() -> None:
    shown = rates("inverse-sqrt", "--lr", "1", "--warmup", "2", "--timescale", "8", "-n", "4")
    assert shown == pytest.approx([0.0, 0.5, 1.0, math.sqrt(8 / 9)], rel=1e-15)


def test_inverse_sqrt_per_step_default_timescale_is_the_warmup_in_steps() -> None:
    per_step = rates("inverse-sqrt", "--lr", "1", "--warmup", "2", "--steps-per-epoch", "2", "-n", "4")
    assert per_step == pytest.approx(HF_INVERSE_SQRT_WARMUP_4, rel=1e-12)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--lr", "0"], ["'--lr'", "got 0.0"]),
        (["--lr", "nan"], ["'--lr'", "finite"]),
        (["--lr", "1", "--timescale", "0"], ["'--timescale'", "got 0"]),
        (["--lr", "1", "--timescale", "-3"], ["'--timescale'", "got -3"]),
    ],
)
def test_inverse_sqrt_bad_input(argv: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched("inverse-sqrt", *argv), *fragments)


# transformers 5.24 get_wsd_schedule(num_warmup_steps=2, num_decay_steps=4, num_stable_steps=2,
# decay_type="1-sqrt", min_lr_ratio=0.1), lr 1.0, steps 0 .. 9
HF_WSD_1_SQRT = parity("suites")["vectors"]["test_transformer:HF_WSD_1_SQRT"]["rates"]


def test_wsd_matches_hf_with_warmup_from_min_lr() -> None:
    argv = ["--lr", "1", "--warmup", "2", "--warmup-start-lr", "0.1", "--min-lr", "0.1"]
    argv += ["--stable-steps", "2", "--decay-steps", "4", "--decay-type", "1-sqrt", "-n", "10"]
    assert rates("wsd", *argv) == pytest.approx(HF_WSD_1_SQRT, rel=1e-12)


@pytest.mark.parametrize(
    ("decay", "expected"),
    [
        (DecayType.linear, [1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]),
        (DecayType.cosine, [1.0, 1.0, 1.0, 0.8535533905932737, 0.5, 0.14644660940672627, 0.0, 0.0]),
        (DecayType.one_minus_sqrt, [1.0, 1.0, 1.0, 0.5, 1 - math.sqrt(0.5), 1 - math.sqrt(0.75), 0.0, 0.0]),
    ],
)
def test_wsd_holds_then_decays_then_stays_at_min_lr(decay: DecayType, expected: list[float]) -> None:
    rate = warmup_stable_decay(lr=1.0, stable_steps=2, decay_steps=4, decay_type=decay)
    assert [rate(t) for t in range(8)] == pytest.approx(expected, rel=1e-12, abs=1e-16)


def test_wsd_rows_are_warmup_stable_and_decay() -> None:
    assert len(rates("wsd", "--lr", "1", "--warmup", "3", "--stable-steps", "4", "--decay-steps", "5")) == 12
    assert (
        len(rates("wsd", "--lr", "1", "--stable-steps", "8", "--decay-steps", "10", "--steps-per-epoch", "2"))
        == 18
    )


@given(
    stable=st.integers(0, 40),
    decay=st.integers(1, 40),
    floor=st.floats(0, 1),
    kind=st.sampled_from(list(DecayType)),
)
def test_wsd_never_rises_and_stays_between_min_lr_and_lr(
    stable: int, decay: int, floor: float, kind: DecayType
) -> None:
    rate = warmup_stable_decay(lr=1.0, stable_steps=stable, decay_steps=decay, min_lr=floor, decay_type=kind)
    values = [rate(t) for t in range(stable + decay + 3)]
    assert all(a >= b - 1e-15 for a, b in itertools.pairwise(values))
    assert all(floor - 1e-15 <= v <= 1.0 for v in values)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--decay-steps", "0"], ["'--decay-steps'", "got 0"]),
        (["--stable-steps", "-1"], ["'--stable-steps'", "got -1"]),
        (["--min-lr", "2"], ["'--min-lr'", "must not exceed lr (1.0)", "got 2.0"]),
        (["--min-lr", "-0.1"], ["'--min-lr'", "got -0.1"]),
        (["--min-lr", "inf"], ["'--min-lr'", "finite"]),
        (["--decay-type", "sqrt"], ["'--decay-type'"]),
    ],
)
def test_wsd_bad_input(argv: list[str], fragments: list[str]) -> None:
    base = {"--stable-steps": "2", "--decay-steps": "3"}
    for option, value in zip(argv[::2], argv[1::2]):
        base[option] = value
    flat = [part for pair in base.items() for part in pair]
    assert_usage_error(lrsched("wsd", "--lr", "1", *flat), *fragments)


def test_wsd_needs_its_lengths() -> None:
    assert_usage_error(lrsched("wsd", "--lr", "1", "--decay-steps", "3"), "--stable-steps")
