"""What only a real process shows: the installed entry point, pipes, and what start-up imports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import lrsched

LRSCHED = shutil.which("lrsched", path=str(Path(sys.executable).parent)) or shutil.which("lrsched")
HEAVY = [
    "rich",
    "pydantic",
    "plotille",
    "matplotlib",
    "numpy",
    "dataclasses",
    "decimal",
    "lrsched_cli.check",
    "lrsched_cli.check.runlog",
    "lrsched_cli.check.diagnose",
    "lrsched_cli.frameworks.dispatch",
    "lrsched_cli.frameworks.expression",
    "lrsched_cli.frameworks.emitters",
    "lrsched_cli.frameworks.deepspeed.reproduce",
    "lrsched_cli.trainers.deepspeed.derive",
    "lrsched_cli.frameworks.detectron2.reproduce",
    "lrsched_cli.trainers.detectron2",
    "lrsched_cli.frameworks.porting",
    "lrsched_cli.frameworks.canonical",
    *(
        f"lrsched_cli.frameworks.{framework}.generic"
        for framework in ("torch", "keras", "optax", "hf", "timm")
    ),
    "lrsched_cli.frameworks.nemo.reproduce",
    "lrsched_cli.trainers.nemo",
    "lrsched_cli.frameworks.fairseq.reproduce",
    "lrsched_cli.trainers.fairseq",
    "lrsched_cli.frameworks.mmengine.reproduce",
    "lrsched_cli.trainers.mmengine.derive",
    "lrsched_cli.trainers.mmengine.reader",
    "lrsched_cli.frameworks.megatron.reproduce",
    "lrsched_cli.trainers.megatron.derive",
    "lrsched_cli.trainers.megatron.reader",
    "lrsched_cli.frameworks.composer.reproduce",
    "lrsched_cli.trainers.composer",
]


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
    returncode = proc.wait(timeout=20)  # 100M rows would take minutes: it stopped when the pipe closed
    assert first == b"Epoch 1, Learning Rate: 0.100000\n"
    assert proc.stderr.read() == b""
    assert returncode == 141  # as GNU tools killed by SIGPIPE: not success, not a failed check (1)


@pytest.mark.parametrize("argv", [["-f", "csv"], ["-f", "table"], ["-f", "json"], ["-f", "plot"]])
def test_every_format_ends_quietly_when_the_reader_goes(argv: list[str]) -> None:
    command = [sys.executable, "-m", "lrsched_cli", "cosine", "--lr", "0.1", "-n", "3000000", *argv]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=60) in (0, 141)  # a plot is written in one piece: it may be done
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
    modules = _modules_after(argv)
    assert [heavy for heavy in HEAVY if _loaded(heavy, modules)] == []


def test_a_plain_run_loads_its_own_schedule_only_and_no_framework() -> None:
    modules = _modules_after(["step", "--lr", "0.1", "--step-size", "10"])
    assert "lrsched_cli.schedules.decay" in modules  # step_decay's module: the probe sees it
    others = ("piecewise", "polynomial", "cycles", "transformer", "plateau")
    assert [m for m in others if f"lrsched_cli.schedules.{m}" in modules] == []
    assert [m for m in modules if m.startswith("lrsched_cli.frameworks")] == []
    emitting = _modules_after(["step", "--lr", "0.1", "--step-size", "10", "--emit", "torch"])
    assert "lrsched_cli.frameworks" in emitting  # --emit's choices load when it is given


def test_compare_without_checks_imports_neither_the_check_modules_nor_decimal() -> None:
    modules = _modules_after(["compare", "step --lr 0.1 --step-size 10", "cosine --lr 0.1", "-f", "csv"])
    assert [m for m in ("lrsched_cli.check", "decimal") if _loaded(m, modules)] == []
    checked = _modules_after(
        ["compare", "step --lr 0.1 --step-size 10", "cosine --lr 0.1", "--expect", "1:1=0.1"]
    )
    assert _loaded("lrsched_cli.check", checked)  # the probe sees them when they load


def _modules_after(argv: list[str], cwd: Path | None = None) -> list[str]:
    probe = (
        "import runpy, sys, json, atexit\n"
        "atexit.register(lambda: sys.__stderr__.write('MODULES' + json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['lrsched', *{argv!r}]\n"
        "runpy.run_module('lrsched_cli', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stderr.split("MODULES", 1)[1]))


def _loaded(heavy: str, modules: list[str]) -> bool:
    return any(m == heavy or m.startswith(heavy + ".") for m in modules)


def test_writing_to_a_file_imports_nothing_heavy(tmp_path: Path) -> None:
    modules = _modules_after(["step", "--lr", "0.1", "--step-size", "10", "-o", "rates.txt"], tmp_path)
    assert [heavy for heavy in HEAVY if _loaded(heavy, modules)] == []
    assert (tmp_path / "rates.txt").read_text().startswith("Epoch 1, Learning Rate: 0.100000\n")


def test_a_plot_imports_plotille_but_neither_matplotlib_nor_rich() -> None:
    modules = _modules_after(["cosine", "--lr", "0.1", "-f", "plot"])
    assert _loaded("plotille", modules)
    assert not _loaded("matplotlib", modules)
    assert not _loaded("rich", modules)


def _plot_on_a_terminal(env: dict[str, str], fmt: str = "plot", *extra: str) -> bytes:
    """Run ``-f plot`` with stdout on a pseudo-terminal, which only a real process can have."""
    import pty

    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "lrsched_cli", "step", "--lr", "0.1", "--step-size", "5",
                           "-f", fmt, *extra], stdout=follower, stderr=subprocess.PIPE, timeout=30,
                          env={**_no_colour_settings(), "COLUMNS": "60", "LINES": "20", **env})  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: everything is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks)


def _no_colour_settings() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in ("NO_COLOR", "FORCE_COLOR")}


def test_a_plot_is_coloured_on_a_terminal_unless_no_color() -> None:
    coloured = _plot_on_a_terminal({})
    plain = _plot_on_a_terminal({"NO_COLOR": "1"})
    assert b"\x1b[" in coloured
    assert b"\x1b[" not in plain
    assert b"peak 0.1 at epoch 1" in plain


@pytest.mark.parametrize("fmt", ["table", "plot"])
@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, {"FORCE_COLOR": "0"}], ids=str
)
def test_no_color_means_no_escape_code_at_all_on_a_terminal(fmt: str, env: dict[str, str]) -> None:
    """Not even the table's bold header; NO_COLOR wins over FORCE_COLOR."""
    assert b"\x1b[" in _plot_on_a_terminal({}, fmt)  # a terminal: coloured, or bold
    plain = _plot_on_a_terminal(env, fmt)
    assert b"\x1b[" not in plain
    assert b"0.100000" in plain or b"peak 0.1" in plain


@pytest.mark.parametrize("fmt", ["table", "plot"])
def test_force_color_does_not_put_escape_codes_into_a_pipe_or_a_file(fmt: str, tmp_path: Path) -> None:
    """FORCE_COLOR cannot make a pipe or a file a terminal: programs read those (README, Output)."""
    env = {**_no_colour_settings(), "FORCE_COLOR": "1"}
    argv = [sys.executable, "-m", "lrsched_cli", "step", "--lr", "0.1", "--step-size", "5", "-f", fmt]
    piped = subprocess.run(argv, capture_output=True, env=env, timeout=30)
    assert piped.returncode == 0
    assert b"\x1b[" not in piped.stdout
    assert b"0.100000" in piped.stdout or b"peak 0.1" in piped.stdout
    path = tmp_path / "rates.txt"
    assert subprocess.run([*argv, "-o", str(path)], env=env, timeout=30).returncode == 0
    assert b"\x1b[" not in path.read_bytes()
    on_a_terminal = _plot_on_a_terminal({"FORCE_COLOR": "1"}, fmt)
    assert b"\x1b[" in on_a_terminal
    with_a_file = _plot_on_a_terminal({"FORCE_COLOR": "1"}, fmt, "-o", str(path))
    assert with_a_file == b""
    assert b"\x1b[" not in path.read_bytes()  # stdout a terminal, the file still plain


@pytest.mark.parametrize(("signal_name", "code"), [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_mid_write_keeps_the_old_file_and_leaves_no_temporary(
    signal_name: str, code: int, tmp_path: Path
) -> None:
    """Ctrl-C, a CI timeout's SIGTERM or a closed terminal's SIGHUP while --output is written."""
    import signal
    import time

    path = tmp_path / "rates.csv"
    path.write_text("old\n")
    argv = [sys.executable, "-m", "lrsched_cli", "cosine", "--lr", "0.1", "-n", "100000000", "-f", "csv"]
    process = subprocess.Popen([*argv, "-o", str(path)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp") and p.stat().st_size]:
            assert time.monotonic() < deadline, "the temporary file never grew"
            time.sleep(0.02)
        process.send_signal(getattr(signal, signal_name))
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == code
    assert b"Traceback" not in stderr
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rates.csv"]


# Stdout that fails or is closed, stderr that is closed, Ctrl-C while loading.

EVERY_COMMAND = {
    "schedule": ["step", "--lr", "0.1", "--step-size", "10"],
    "table": ["step", "--lr", "0.1", "--step-size", "10", "-f", "table"],
    "plot": ["step", "--lr", "0.1", "--step-size", "10", "-f", "plot"],
    "emit": ["step", "--lr", "0.1", "--step-size", "10", "--emit", "torch"],
    "from": ["from", "StepLR(optimizer, step_size=10)", "--lr", "0.1"],
    "compare": ["compare", "step --lr 0.1 --step-size 10", "cosine --lr 0.1"],
    "list": ["list"],
}


def _run(argv: list[str], **options: object) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "lrsched_cli", *argv]
    return subprocess.run(command, stderr=subprocess.PIPE, timeout=60, **options)  # type: ignore[call-overload, no-any-return]


@pytest.mark.parametrize("argv", EVERY_COMMAND.values(), ids=EVERY_COMMAND)
def test_a_full_stdout_is_a_usage_error_as_a_full_output_file_is(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _run(argv, stdout=full)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert "cannot write to stdout: No space left on device" in stderr
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr  # nor at the interpreter's last flush


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["step", "-h"]], ids=str)
def test_help_and_version_to_a_full_stdout_are_the_same_usage_error(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _run(argv, stdout=full)
    assert done.returncode == 2
    assert done.stderr.decode() == "Error: cannot write to stdout: No space left on device\n"


@pytest.mark.parametrize("argv", EVERY_COMMAND.values(), ids=EVERY_COMMAND)
def test_a_closed_stdout_is_a_usage_error_not_a_silent_success(argv: list[str]) -> None:
    done = _run(argv, preexec_fn=lambda: os.close(1))
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert "cannot write to stdout: it is closed" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    "argv", [["--help"], ["--version"], ["step", "-h"], ["--show-completion", "bash"]], ids=str
)
def test_help_and_version_to_a_closed_stdout_are_the_same_usage_error(argv: list[str]) -> None:
    done = _run(argv, preexec_fn=lambda: os.close(1))  # they printed nothing and exited 0
    assert done.returncode == 2
    assert done.stderr.decode() == "Error: cannot write to stdout: it is closed\n"


def test_a_closed_stdout_does_not_matter_when_writing_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rates.txt"
    done = _run([*EVERY_COMMAND["schedule"], "-o", str(path)], preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (0, b"")
    assert path.read_text().startswith("Epoch 1, Learning Rate: 0.100000\n")


def test_output_to_dev_stdout_ends_as_stdout_does_when_the_reader_goes() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lrsched_cli", "cosine", "--lr", "0.1", "-n", "10000000", "-o", "/dev/stdout"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=20) == 141
    assert first == b"Epoch 1, Learning Rate: 0.100000\n"
    assert proc.stderr.read() == b""


def test_with_stderr_closed_a_usage_error_still_leaves_stdout_empty() -> None:
    done = subprocess.run([sys.executable, "-m", "lrsched_cli", "step", "--lr", "nan", "--step-size", "1"],
                          stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2), timeout=30)  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == b""


def test_ctrl_c_while_the_app_loads_exits_130_without_a_traceback() -> None:
    """The interrupt lands while typer is imported: made certain by an import hook raising it."""
    probe = (
        "import runpy, sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['lrsched', 'step', '--lr', '0.1', '--step-size', '10']\n"
        "runpy.run_module('lrsched_cli', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


def _completion(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "SHELL": "/bin/bash"}
    return subprocess.run([sys.executable, "-m", "lrsched_cli", *argv], capture_output=True, text=True,
                          env=env, timeout=30)  # fmt: skip


@pytest.mark.parametrize("argv", [["nosuchshell"], []], ids=["unknown", "missing"])
def test_install_completion_refuses_an_unknown_or_missing_shell_and_edits_nothing(
    argv: list[str], tmp_path: Path
) -> None:
    done = _completion(tmp_path, "--install-completion", *argv)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "'--install-completion'" in done.stderr
    assert list(tmp_path.iterdir()) == []  # no ~/.bashrc, no completion file


def test_install_completion_installs_for_the_shell_named(tmp_path: Path) -> None:
    done = _completion(tmp_path, "--install-completion", "zsh")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".zfunc", ".zshrc"]
    assert "_LRSCHED_COMPLETE" in (tmp_path / ".zfunc" / "_lrsched").read_text()


def test_checking_a_json_run_log_imports_no_tensorboard() -> None:
    from helpers import TESTS

    log = str(TESTS / "runlogs" / "hf-cosine-log1" / "trainer_state.json")
    argv = ["from", "get_cosine_schedule_with_warmup(optimizer, 3, 30)", "--lr", "0.1", "--check-run", log]
    modules = _modules_after(argv)
    assert _loaded("lrsched_cli.check.runlog.hf", modules)
    assert not _loaded("tensorboard", modules) and not _loaded("numpy", modules)


STACKS = ["deepspeed", "mmengine", "megatron", "detectron2", "nemo", "fairseq", "composer"]


def test_from_a_core_frameworks_call_loads_no_big_model_stack() -> None:
    modules = _modules_after(["from", "CosineAnnealingLR(optimizer, T_max=10)", "--lr", "0.1"])
    assert _loaded("lrsched_cli.frameworks.torch.reproduce", modules)
    assert [s for s in STACKS if _loaded(f"lrsched_cli.frameworks.{s}", modules)] == []  # nor its record
    stack = _modules_after(["from", "mmengine.optim.CosineAnnealingLR(optimizer, T_max=10)", "--lr", "0.1"])
    assert _loaded("lrsched_cli.frameworks.mmengine.reproduce", stack)  # a prefix of a stack: all load


def test_from_a_pytorch_call_loads_no_other_core_framework() -> None:
    modules = _modules_after(["from", "CosineAnnealingLR(optimizer, T_max=10)", "--lr", "0.1"])
    others = ("keras", "optax", "hf", "timm")
    assert [f for f in others if _loaded(f"lrsched_cli.frameworks.{f}.reproduce", modules)] == []
    mixed = (
        "SequentialLR(optimizer, [get_constant_schedule(optimizer), StepLR(optimizer, 3)], milestones=[2])"
    )
    both = _modules_after(["from", mixed, "--lr", "0.1"])  # an HF schedule in a torch one: the five read it
    assert _loaded("lrsched_cli.frameworks.hf.reproduce", both)


def test_a_name_only_a_stack_has_is_still_found() -> None:
    result = lrsched("from", "WarmupLR(optimizer, warmup_num_steps=3)", "--lr", "0.1", "-n", "2", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Step 1, Learning Rate: ")
