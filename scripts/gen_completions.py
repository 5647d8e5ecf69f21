"""Write completions/ from the app itself: bash, zsh, fish and PowerShell.

Run after changing the program name or upgrading Typer: `python scripts/gen_completions.py`.
tests/test_completions.py regenerates them in memory and fails if the committed files drifted.
The scripts are thin shims that call `lrsched` on every TAB, so new commands and options need no
regeneration. Uses Typer's `_LRSCHED_COMPLETE=source_<shell>` protocol, which `--show-completion
SHELL` prints too.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lrsched_cli.cli.app import app_for

FILES = {
    "bash": "lrsched.bash",
    "zsh": "_lrsched",
    "fish": "lrsched.fish",
    "powershell": "lrsched.ps1",
}
FOLDER = Path(__file__).resolve().parent.parent / "completions"


def completion_script(shell: str) -> str:
    env = {"_LRSCHED_COMPLETE": f"source_{shell}"}
    result = CliRunner().invoke(app_for([]), [], prog_name="lrsched", env=env)
    if result.exit_code != 0:
        raise RuntimeError(f"could not generate the {shell} completion: {result.output}")
    return result.stdout


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    for shell, name in FILES.items():
        (FOLDER / name).write_text(completion_script(shell), encoding="utf-8", newline="\n")
        print(f"wrote completions/{name}")


if __name__ == "__main__":
    main()
