"""What only a real process shows: the installed entry point, pipes, and what start-up imports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LRSCHED = shutil.which("lrsched", path=str(Path(sys.executable).parent)) or shutil.which("lrsched")
HEAVY = ["rich", "pydantic", "plotille", "matplotlib", "numpy", "lrsched_cli.dialects"]


def test_the_installed_entry_point_prints_the_tutorial_table() -> None:
    assert LRSCHED, "the lrsched console script is not installed"
    done = subprocess.run(
        [LRSCHED, "step", "--lr", "0.1", "--step-size", "10"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout.splitlines()[10] == "Epoch 11, Learning Rate: 0.010000"


def test_a_usage_error_from_a_real_process_has_no_traceback() -> None:
    done = subprocess.run([sys.executable, "-m", "lrsched_cli", "step", "--lr", "nan", "--step-size", "1"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Invalid value for '--lr'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_reader_closing_the_pipe_ends_it_at_once_and_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lrsched_cli", "cosine", "--lr", "0.1", "--epochs", "100000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    proc.wait(timeout=20)  # 100M rows would take minutes: it stopped when the pipe closed
    assert first == b"Epoch 1, Learning Rate: 0.100000\n"
    assert proc.stderr.read() == b""


@pytest.mark.parametrize(
    "argv",
    [
        ["step", "--lr", "0.1", "--step-size", "10"],
        ["cosine", "--lr", "0.1", "-f", "csv"],
        ["exponential", "--lr", "0.1", "--gamma", "0.9", "-f", "json"],
    ],
)
def test_a_plain_run_imports_nothing_heavy(argv: list[str]) -> None:
    probe = (
        "import runpy, sys, json, atexit\n"
        "atexit.register(lambda: sys.__stderr__.write('MODULES' + json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['lrsched', *{argv!r}]\n"
        "runpy.run_module('lrsched_cli', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stderr.split("MODULES", 1)[1])
    for heavy in HEAVY:
        assert not any(m == heavy or m.startswith(heavy + ".") for m in modules), heavy
