"""Checking rows instead of writing them: ``--expect``, ``--check`` and the files they read."""

from lrsched_cli.check.checkers import Checks, Tolerance, parse_expectation, run

__all__ = ["Checks", "Tolerance", "parse_expectation", "run"]
