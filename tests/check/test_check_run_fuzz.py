"""Damaged run logs never reach the user as a traceback: every real log in tests/runlogs, with
bytes changed, inserted, removed or cut off, checks (exit 0 or 1) or is a usage error (exit 2)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from helpers import TESTS, lrsched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RUNS = TESTS / "runlogs"
SKIPPED = ("README.json", "meta.yaml")
LOGS = [
    *sorted(
        p for p in RUNS.rglob("*") if p.is_file() and p.name not in SKIPPED and p.parent.name != "metrics"
    ),
    RUNS / "hf-mlflow" / "metrics" / "learning_rate",
]
PLAN = ["from", "get_cosine_schedule_with_warmup(optimizer, 3, 30)", "--lr", "0.1", "-q"]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(LOGS))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        else:
            del data[at:]
    return path.name, bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_a_damaged_log_checks_or_is_a_usage_error(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / name
        log.write_bytes(data)
        result = lrsched(*PLAN, "--check-run", str(log))  # an exception would surface here
    assert result.exit_code in (0, 1, 2), result.stderr
    assert result.stdout == ""
    if result.exit_code == 2:
        assert "Invalid value for '--check-run'" in result.stderr, result.stderr


def test_every_log_is_fuzzed() -> None:
    assert len(LOGS) == 14, LOGS
