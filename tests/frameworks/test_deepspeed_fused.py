"""DeepSpeed's WarmupLR and WarmupDecayLR compute their rows in one loop: bit for bit the rate
of each ``last_batch_iteration`` as the per-step formula gives it."""

from itertools import islice

from hypothesis import given
from hypothesis import strategies as st

from lrsched_cli.frameworks.deepspeed.reproduce import _warmup_lr


def _rows(fuse: bool, lr: float | None, rows: int, *arguments: object) -> list[str]:
    reproduction = _warmup_lr(*arguments, fuse=fuse)  # type: ignore[arg-type]
    return [repr(rate) for rate in islice(reproduction.rates(lr), rows)]


@given(
    warmup=st.integers(1, 60),
    total=st.one_of(st.integers(1, 200), st.floats(1.0, 200.0)),
    low=st.floats(0.0, 1e-3),
    high=st.one_of(st.none(), st.floats(1e-4, 1.0)),
    lr=st.floats(1e-5, 1.0),
    kind=st.sampled_from(["log", "linear"]),
    decays=st.booleans(),
)
def test_the_rows_are_the_per_step_rates_bit_for_bit(
    warmup: int, total: float, low: float, high: float | None, lr: float, kind: str, decays: bool
) -> None:
    # WarmupLR (no total) and WarmupDecayLR, past the end where the rate is warmup_min_lr
    arguments = ("WarmupDecayLR", low, high, warmup, kind, -1, total if decays else None)
    rows = int(max(warmup, total)) + 30
    assert _rows(True, lr, rows, *arguments) == _rows(False, lr, rows, *arguments)
