"""The README's commands run, and its shown output is what lrsched prints today.

Two kinds of examples are checked: every `lrsched ...` line in a shell block runs with the exit
code it promises, and every `$ lrsched ...` sample is followed by its real output (stdout, then
the notes on stderr; a `...` line stands for rows left out).
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, lrsched

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = [block.replace("\\\n", " ") for block in re.findall(r"```[a-z]*\n(.*?)```", README, re.S)]
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def _argv(line: str) -> list[str]:
    return shlex.split(line, comments=True)[1:]


def _commands() -> list[str]:
    found = []
    for block in BLOCKS:
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ").split(" && ")[0]
            if line.startswith("lrsched ") and not re.search(r"[|>`]|\$\(", line):
                found.append(line)
    return found


def _samples() -> list[tuple[str, list[str]]]:
    found = []
    for block in BLOCKS:
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ lrsched ") and "|" not in line:
                shown = []
                for after in lines[i + 1 :]:
                    if after.startswith("$ "):
                        break
                    shown.append(after)
                found.append((line[2:], shown))
    return found


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the files the README's examples name, as a user's project would."""
    for example in (ROOT / "tests" / "examples").iterdir():
        shutil.copy(example, tmp_path)
    (tmp_path / "ci").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_command_in_the_readme_runs(workdir: Path) -> None:
    commands = _commands()
    assert len(commands) > 20
    for command in commands:
        result = lrsched(*_argv(command))
        if "--expect 10=0.07959 " in command + " ":  # the README shows it failing on purpose
            assert result.exit_code == 1, command
        elif re.search(r"-f (png|svg)", command) and not HAS_MATPLOTLIB:
            assert result.exit_code == 2 and "lrsched-cli[image]" in result.stderr, command
        else:
            assert result.exit_code == 0, (command, result.stderr)


@pytest.mark.parametrize(("command", "shown"), _samples(), ids=[c for c, _ in _samples()])
def test_every_sample_shows_the_real_output(command: str, shown: list[str], workdir: Path) -> None:
    line, _, then = command.partition(" && ")
    result = lrsched(*_argv(line))
    if then == "echo ok":
        assert (result.exit_code, result.stdout, shown) == (0, "", ["ok"])
        return
    printed = (result.stdout + result.stderr).splitlines()
    if "..." not in shown:
        assert printed == shown
        return
    remaining = iter(printed)  # the shown lines, in order, with rows left out between them
    for expected in (line for line in shown if line != "..."):
        assert expected in remaining, (expected, printed)
