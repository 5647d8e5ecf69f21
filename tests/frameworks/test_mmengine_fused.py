"""MMEngine's rows computed a phase at a time, a CosineAnnealingLR's in one loop: bit for bit the
rows of every scheduler stepped in turn."""

import math
from collections.abc import Iterator
from itertools import islice

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrsched_cli.frameworks.dispatch import reproduce
from lrsched_cli.frameworks.mmengine.chain import CosineScheduler, Group


def _stepped(lr: float, rows: int, **arguments: object) -> list[str]:
    group = Group(lr)
    scheduler = CosineScheduler(group, **arguments)  # type: ignore[arg-type]
    rates = [group.lr]
    for _ in range(rows - 1):
        scheduler.step()
        rates.append(group.lr)
    return [repr(rate) for rate in rates]


def _fused(lr: float, rows: int, **arguments: object) -> list[str]:
    group = Group(lr)
    scheduler = CosineScheduler(group, **arguments)  # type: ignore[arg-type]
    return [repr(rate) for rate in [group.lr, *islice(scheduler.advance(None), rows - 1)]]


@given(
    lr=st.floats(1e-6, 10.0),
    t_max=st.one_of(st.none(), st.integers(1, 40)),
    floor=st.one_of(
        st.floats(0.0, 1e-3).map(lambda v: ("eta_min", v)),
        st.floats(0.0, 0.5).map(lambda v: ("eta_min_ratio", v)),
    ),
    begin=st.integers(0, 30),
    span=st.integers(1, 60),
    rows=st.integers(1, 200),
)
def test_the_fused_loop_is_the_stepped_scheduler_bit_for_bit(
    lr: float, t_max: int | None, floor: tuple[str, float], begin: int, span: int, rows: int
) -> None:
    # restarts (rows past 2 T_max), windows begun late and ended early, both kinds of floor
    arguments = {
        "T_max": t_max,
        "eta_min": floor[1] if floor[0] == "eta_min" else None,
        "eta_min_ratio": floor[1] if floor[0] == "eta_min_ratio" else None,
        "begin": begin,
        "end": begin + span,
        "by_epoch": False,
    }
    assert _fused(lr, rows, **arguments) == _stepped(lr, rows, **arguments)


def test_a_call_of_cosine_alone_takes_the_fused_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = []
    advance = CosineScheduler.advance

    def counted(self: CosineScheduler, steps: int | None) -> Iterator[float]:
        taken.append(steps)
        return advance(self, steps)

    monkeypatch.setattr(CosineScheduler, "advance", counted)
    alone = reproduce("mmengine.optim.CosineAnnealingLR(optimizer, T_max=7, by_epoch=False)", lr=0.1)
    got = [repr(rate) for rate in islice(alone.rates(0.1), 40)]
    window = {"begin": 0, "end": int(1e9), "by_epoch": False}
    assert got == _stepped(0.1, 40, T_max=7, eta_min=0.0, eta_min_ratio=None, **window)
    assert taken == [int(1e9) - 1]  # one phase: every step of its window (end 1e9), after its first
    assert math.isclose(float(got[7]), 0.0, abs_tol=1e-15)  # the floor at T_max (eta_min 0)


KINDS = {
    "LinearLR": lambda: st.fixed_dictionaries(
        {"start_factor": st.floats(0.01, 1.0), "end_factor": st.floats(0.0, 1.0)}
    ),
    "CosineAnnealingLR": lambda: st.fixed_dictionaries(
        {"T_max": st.integers(1, 30), "eta_min": st.floats(0.0, 1e-3)}
    ),
    "ExponentialLR": lambda: st.fixed_dictionaries({"gamma": st.floats(0.5, 1.0)}),
    "StepLR": lambda: st.fixed_dictionaries({"step_size": st.integers(1, 10), "gamma": st.floats(0.1, 1.0)}),
    "ConstantLR": lambda: st.fixed_dictionaries({"factor": st.floats(0.1, 1.0)}),
}


@st.composite
def chains(draw: st.DrawFn) -> str:
    """An MMEngine param_scheduler list of one to three schedulers, their windows anywhere: apart,
    touching, overlapping, late."""
    items = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(sorted(KINDS)))
        arguments = draw(KINDS[kind]())
        begin = draw(st.integers(0, 40))
        end = begin + draw(st.integers(1, 40))
        fields = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
        items.append(f"dict(type='{kind}', {fields}, begin={begin}, end={end}, by_epoch=False)")
    return f"param_scheduler([{', '.join(items)}])"


@given(chain=chains(), rows=st.integers(1, 120))
def test_a_chain_a_phase_at_a_time_is_every_scheduler_stepped_in_turn(chain: str, rows: int) -> None:
    from lrsched_cli.frameworks.mmengine import chain as module

    reproduction = reproduce(chain, lr=0.1)
    phased = [repr(rate) for rate in islice(reproduction.rates(0.1), rows)]
    real = module.rates

    def stepped(*args: object, **kwargs: object) -> Iterator[float]:
        return real(*args, **kwargs, by_phase=False)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "rates", stepped)
        again = reproduce(chain, lr=0.1)
        assert [repr(rate) for rate in islice(again.rates(0.1), rows)] == phased
