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
        if "--expect 10=0.07959 " in command + " " or "--world-size 2 -q --check-run" in command:
            assert result.exit_code == 1, command  # the README shows these failing on purpose
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


FRAMEWORK_NAMES = {
    "PyTorch": {"torch"},
    "HF": {"hf", "transformers"},
    "Keras": {"keras"},
    "optax": {"optax"},
    "timm": {"timm"},
}
"""How the schedule table names a framework -> its keys in tests/parity (catalogue.json, emit.json)."""
TUTORIAL_GOLDEN = {
    "lrsched exponential --lr 0.1 --decay-rate 0.05": "tutorial_exponential.txt",
    "lrsched cosine --lr 0.1 --min-lr 0.001": "tutorial_cosine.txt",
}


def _matches() -> list[tuple[str, str, str]]:
    """(schedule, framework or 'the tutorial', command) for every entry of the "matches" column."""
    lines = README.split("\n")
    start = lines.index("| command | rate at step t | matches |") + 2
    found = []
    for line in lines[start:]:
        if not line.startswith("| `"):
            break
        name = re.match(r"\| `([^`]+)`", line).group(1)  # type: ignore[union-attr]
        cell = line.rstrip(" |").rsplit(" | ", 1)[1]
        for entry in re.split(r"; (?=PyTorch|HF|Keras|optax|timm|the tutorial)", cell):
            framework = next(n for n in [*FRAMEWORK_NAMES, "the tutorial"] if entry.startswith(n))
            commands = re.findall(r"`(lrsched [^`]+)`", entry)
            assert len(commands) == 1, (name, entry)  # each entry: one exact command line
            found.append((name, framework, commands[0]))
    return found


def _vectors() -> dict[tuple[str, str], tuple[list[float], bool]]:
    """(framework key, argv) -> the framework's rates, and whether it computes in float32."""
    import json

    vectors = {}
    for source in ("catalogue", "emit"):
        cases = json.loads((ROOT / "tests" / "parity" / f"{source}.json").read_text())["cases"]
        for case in cases:
            float32 = case["framework"] in ("keras", "optax")
            vectors[(case["framework"], " ".join(case["argv"]))] = (case["rates"], float32)
    return vectors


def test_every_schedule_has_its_matches_entries() -> None:
    from lrsched_cli.registry import SCHEDULES

    assert {name for name, _, _ in _matches()} == set(SCHEDULES)


@pytest.mark.parametrize(("name", "framework", "command"), _matches())
def test_every_matches_entry_is_a_command_giving_the_frameworks_rows(
    name: str, framework: str, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.chdir(ROOT)  # the metrics files it names are relative to the repository
    argv = _argv(command)
    assert argv[0] == name
    if framework == "the tutorial":
        assert lrsched(*argv).stdout == (ROOT / "tests" / "golden" / TUTORIAL_GOLDEN[command]).read_text()
        return
    vectors = _vectors()
    recorded = [
        vectors[(key, " ".join(argv))]
        for key in FRAMEWORK_NAMES[framework]
        if (key, " ".join(argv)) in vectors
    ]
    assert recorded, f"no {framework} vector for {command!r} in tests/parity: generate one with the framework"
    theirs, float32 = recorded[0]
    ours = [row["lr"] for row in json.loads(lrsched(*argv, "-f", "json").stdout)["rows"]]
    assert len(ours) == len(theirs)
    peak = max(ours)
    # float32 frameworks to 1e-6 of the peak, float64 ones to a relative 1e-9 (as the README states)
    wrong = [
        (k, a, b)
        for k, (a, b) in enumerate(zip(theirs, ours), 1)
        if abs(a - b) > (1e-6 * peak if float32 else 1e-9 * abs(b))
    ]
    assert not wrong, wrong[:5]
