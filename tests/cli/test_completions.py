"""completions/ matches what the app generates, and completion really completes."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from lrsched_cli.cli.app import app_for

_spec = importlib.util.spec_from_file_location("gen_completions", ROOT / "scripts" / "gen_completions.py")
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


@pytest.mark.parametrize("shell", gen.FILES)
def test_committed_completion_scripts_have_not_drifted(shell: str) -> None:
    committed = (ROOT / "completions" / gen.FILES[shell]).read_text(encoding="utf-8")
    assert committed == gen.completion_script(shell), "run: python scripts/gen_completions.py"


def _complete(words: str, cword: int) -> str:
    env = {"_LRSCHED_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # app_for reads the protocol variable to build the whole tree
    try:
        return CliRunner().invoke(app_for(words.split()[1:]), [], prog_name="lrsched", env=env).stdout
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_completes_command_names() -> None:
    assert _complete("lrsched cosine-r", 1).split() == ["cosine-restarts"]


def test_completes_a_commands_options() -> None:
    assert "--step-size" in _complete("lrsched step --st", 2).split()


def test_completes_format_choices() -> None:
    assert "jsonl" in _complete("lrsched step -f js", 3).split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_through_the_installed_program() -> None:
    lrsched = shutil.which("lrsched", path=str(Path(sys.executable).parent)) or shutil.which("lrsched")
    assert lrsched, "the lrsched console script is not installed"
    script = ROOT / "completions" / "lrsched.bash"
    command = (
        f"source {script}; COMP_WORDS=(lrsched step --st); COMP_CWORD=2; "
        '_lrsched_completion lrsched; echo "${COMPREPLY[@]}"'
    )
    env = {**os.environ, "PATH": f"{Path(lrsched).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=30)
    assert "--step-size" in done.stdout.split()
