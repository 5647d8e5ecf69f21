"""lrsched's rows equal what the real frameworks compute from its ``--emit`` code.

`tests/parity/emit.json` holds, per command line and framework, the expression lrsched emitted
and the rates the framework produced when running it (`scripts/gen_emit_goldens.py`, versions in
the file). Frameworks are not needed here: only lrsched runs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from emit_cases import CASES
from helpers import PARITY, lrsched

from lrsched_cli.frameworks import FRAMEWORKS

EMITTED = json.loads((PARITY / "emit.json").read_text())
RECORDS: list[dict[str, Any]] = EMITTED["cases"]


def _id(record: dict[str, Any]) -> str:
    return f"{' '.join(record['argv'])} --emit {record['framework']}"


def test_every_emitting_case_is_recorded() -> None:
    recorded = {(" ".join(r["argv"]), r["framework"]) for r in RECORDS}
    expected = {
        (" ".join(argv.split()), framework) for argv, emitting in CASES.items() for framework in emitting
    }
    assert recorded == expected, "regenerate: /work/refenv/bin/python scripts/gen_emit_goldens.py"


@pytest.mark.parametrize("record", RECORDS, ids=_id)
def test_the_framework_computes_lrscheds_rows(record: dict[str, Any]) -> None:
    emitted = lrsched(*record["argv"], "--emit", record["framework"])
    assert emitted.exit_code == 0, emitted.stderr
    assert emitted.stdout == record["expression"] + "\n", "the emitted code drifted from the recorded one"
    rows = json.loads(lrsched(*record["argv"], "-f", "json").stdout)["rows"]
    ours = [row["lr"] for row in rows]
    theirs = record["rates"]
    assert len(ours) == len(theirs)
    # What the README and --emit's help state: float64 frameworks to a relative 1e-9 of each rate,
    # float32 ones to 1e-6 of the peak (not relative: near a cosine's floor that is 2.2e-5).
    peak = max(ours)
    if FRAMEWORKS[record["framework"]].float32:
        wrong = [(k, a, b) for k, (a, b) in enumerate(zip(theirs, ours), 1) if abs(a - b) > 1e-6 * peak]
    else:
        wrong = [(k, a, b) for k, (a, b) in enumerate(zip(theirs, ours), 1) if abs(a - b) > 1e-9 * abs(b)]
    assert not wrong, wrong[:5]
