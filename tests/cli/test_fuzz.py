"""Random argv over every command and option: lrsched exits 0, 1 or 2 and never raises.

Commands and their options are read from the built command tree, so a new schedule, option or
command is fuzzed without touching this file.
"""

from __future__ import annotations

from pathlib import Path

import typer
from helpers import lrsched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrsched_cli.cli.app import app_for

VALUES = ["0", "1", "2", "3", "10", "-1", "0.5", "1.5", "0.1", "1e-3", "nan", "inf", "-inf", "1e309",
          "", "junk", "1,2", "3,1", "-", "blog", "csv", "json", "cos", "torch",
          "keras", "optax", "hf", "timm",
          "plot", "png", "svg", "out.png", "out.svg",
          "1=0.1", "10=0.01", "2=x", "step --lr 0.1 --step-size 10", "cosine --lr 0.1 -n 5",
          "step --step-size 0", 'from "StepLR(opt, 3)" --lr 0.1', "cosine -f csv"]  # fmt: skip
"""Values any option or argument may get: numbers at the edges, non-numbers, expectations for
--expect, SPECs for compare (good, bad, and ones with options a SPEC may not have)."""


def _commands() -> dict[str, list[tuple[str, bool]]]:
    """Each command with its options: (name, takes a value)."""
    group = typer.main.get_command(app_for([]))
    ctx = typer.Context(group)
    found = {}
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        found[name] = [
            (param.opts[0], not param.is_flag) if param.param_type_name == "option" else ("", True)
            for param in command.params
            if param.name != "help"
        ]
    return found


COMMANDS = _commands()


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(COMMANDS)))
    options = COMMANDS[name]
    argv = [name]
    for option, takes_value in draw(st.lists(st.sampled_from(options), max_size=6)) if options else []:
        if option:
            argv.append(option)
        if takes_value:
            argv.append(draw(st.sampled_from(VALUES)))
    return argv


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=argvs())
def test_random_argv_never_escapes_as_an_exception(argv: list[str], tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # options that write files write here
    result = lrsched(*argv, input="")
    assert result.exit_code in (0, 1, 2), (argv, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code in (1, 2):  # 1 is a failed check: its report goes to stderr
        assert result.stdout == "", (argv, result.stdout)
