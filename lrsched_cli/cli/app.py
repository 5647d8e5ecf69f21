"""The app: every command, built lazily, each run through the one boundary (`boundary`).

Every schedule command is derived from its registry entry; only the command being run is built
(the whole tree only for help, `list` and completion), which keeps start-up close to a bare
Typer app. Commands return their rows; the app delivers them. ``compare`` is handed
`spec_command`, the way to build one SPEC's command so that it returns its rows instead.
"""

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer._click.utils import echo
from typer._completion_classes import completion_init
from typer._types import TyperChoice

from lrsched_cli import __version__
from lrsched_cli.cli.boundary import Runner, delivering, guarded
from lrsched_cli.cli.schedule import add_schedule, list_schedules
from lrsched_cli.output.destination import silence_stdout, streams_somewhere
from lrsched_cli.registry import SCHEDULES

HELP = """See, epoch by epoch, the learning rate your training run will use.

\b
Examples:
  lrsched step --lr 0.1 --step-size 10
  lrsched cosine --lr 0.1 --min-lr 0.001 -f csv
  lrsched list
"""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lrsched {__version__}")
        raise typer.Exit()


SHELLS = TyperChoice(["bash", "zsh", "fish", "powershell", "pwsh"])
"""The shells Typer's completion supports (a choice of strings: an Enum costs each start 0.1 ms)."""


def _install_completion(ctx: typer.Context, value: str | None) -> None:
    """Typer's own, given the shell: it would ignore a word after its flag and edit the start-up
    file of the shell it detects, so the shell is a required value, checked against `SHELLS`."""
    if value is not None and not ctx.resilient_parsing:
        from typer.completion import install_callback

        install_callback(ctx, None, value)  # type: ignore[arg-type]


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        from typer.completion import show_callback

        show_callback(ctx, None, value)  # type: ignore[arg-type]


def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    install_completion: Annotated[
        str | None,
        typer.Option(
            metavar="SHELL",
            click_type=SHELLS,
            callback=_install_completion,
            is_eager=True,
            help="Install completion for SHELL (bash, zsh, fish, powershell, pwsh): edits its start-up file.",
            show_default=False,
        ),
    ] = None,
    show_completion: Annotated[
        str | None,
        typer.Option(
            metavar="SHELL",
            click_type=SHELLS,
            callback=_show_completion,
            is_eager=True,
            help="Show the completion script for SHELL, to copy it or install it your own way.",
            show_default=False,
        ),
    ] = None,
) -> None:
    pass


def add_list(app: typer.Typer, run: Runner) -> None:
    app.command("list", help=list_schedules.__doc__)(guarded(list_schedules))


def add_from(app: typer.Typer, run: Runner) -> None:
    from lrsched_cli.cli.from_ import add_from  # the frameworks load only for `lrsched from`

    add_from(app, run)


def add_compare(app: typer.Typer, run: Runner) -> None:
    from lrsched_cli.cli.compare import add_compare

    add_compare(app, spec_command)


def add_trainer(app: typer.Typer, run: Runner) -> None:
    from lrsched_cli.cli.trainer import add_trainer  # the trainers load only for `lrsched trainer`

    add_trainer(app, run)


EXTRA_COMMANDS: dict[str, Callable[[typer.Typer, Runner], None]] = {
    "list": add_list,
    "from": add_from,
    "compare": add_compare,
    "trainer": add_trainer,
}
"""Commands that are not schedules, by name, each with the function that adds it to an app."""


def app_for(argv: list[str], run: Runner = delivering) -> typer.Typer:
    """The app with just the command argv invokes, or every command when that is not clear.

    ``run`` is how each command is run: delivering its rows (the app), or returning them.
    """
    app = typer.Typer(
        name="lrsched",
        help=HELP,
        add_completion=False,  # root's own --install-completion and --show-completion, given a SHELL
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    completion_init()  # Typer's completion classes, as add_completion would (typer has loaded them)
    wanted = argv[0] if argv and not _completing() else None
    if wanted in SCHEDULES:
        add_schedule(app, SCHEDULES[wanted], run)
    elif wanted in EXTRA_COMMANDS:
        EXTRA_COMMANDS[wanted](app, run)
    else:
        for entry in SCHEDULES.values():
            add_schedule(app, entry, run)
        for add in EXTRA_COMMANDS.values():
            add(app, run)
    return app


def spec_command(argv: list[str]) -> Any:
    """The command ``lrsched ARGV`` runs, as Click's command object, returning its rows
    instead of delivering them: how ``compare`` runs each SPEC with that command's own options,
    defaults, validation and errors."""
    return typer.main.get_command(app_for(argv, guarded)).commands[argv[0]]  # type: ignore[attr-defined]


def _completing() -> bool:
    return "_LRSCHED_COMPLETE" in os.environ


def main(argv: list[str] | None = None) -> None:
    streams_somewhere()
    args = sys.argv[1:] if argv is None else argv
    try:
        app_for(args)(args=args, prog_name="lrsched")
    except OSError as error:
        # lrsched's own writes become usage errors in `destination`; what reaches here may be
        # Typer writing help or --version to a stdout that fails (> /dev/full): the same usage
        # error, when it was raised in Click's echo (anything else stays a traceback: a bug)
        if not _from_echo(error):
            raise
        silence_stdout()
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"Error: cannot write to stdout: {error.strerror or error}\n")
        raise SystemExit(2) from None


def _from_echo(error: BaseException) -> bool:
    """Whether the error was raised writing a message through Click's ``echo`` (to a stdout that
    fails, or to the `ClosedStdout` standing in for a closed one)."""
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code is echo.__code__:
            return True
        frame = frame.tb_next
    return False
