"""MMEngine's CosineAnnealingLR alone computes its rows in one loop: bit for bit the stepped rows."""

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
    return [repr(rate) for rate in [group.lr, *islice(scheduler.fused(), rows - 1)]]


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
    fused = CosineScheduler.fused

    def counted(self: CosineScheduler) -> Iterator[float]:
        taken.append(self)
        return fused(self)

    monkeypatch.setattr(CosineScheduler, "fused", counted)
    alone = reproduce("mmengine.optim.CosineAnnealingLR(optimizer, T_max=7, by_epoch=False)", lr=0.1)
    got = [repr(rate) for rate in islice(alone.rates(0.1), 40)]
    window = {"begin": 0, "end": int(1e9), "by_epoch": False}
    assert got == _stepped(0.1, 40, T_max=7, eta_min=0.0, eta_min_ratio=None, **window)
    assert len(taken) == 1
    assert math.isclose(float(got[7]), 0.0, abs_tol=1e-15)  # the floor at T_max (eta_min 0)
