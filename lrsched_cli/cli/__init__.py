"""The command line: the only package that imports typer.

Every lrsched error becomes a usage error at one edge (`boundary`); each command is a module.
`main` is the entry point: it imports the app itself, so that Ctrl-C while typer and the
commands load (the first tens of milliseconds) ends the run as Ctrl-C later does: exit 130,
no traceback.
"""

INTERRUPTED = 130
"""The exit status after Ctrl-C (128 + SIGINT), as a shell reports a program it interrupted."""


def main(argv: list[str] | None = None) -> None:
    try:
        from lrsched_cli.cli.app import main as run

        run(argv)
    except KeyboardInterrupt:
        raise SystemExit(INTERRUPTED) from None


__all__ = ["main"]
