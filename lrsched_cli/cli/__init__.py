"""The command line: the only package that imports typer.

Every lrsched error becomes a usage error at one edge (`app`); each command is a module.
"""

from lrsched_cli.cli.app import main

__all__ = ["main"]
