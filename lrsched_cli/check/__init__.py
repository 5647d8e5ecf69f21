"""Checking rows instead of writing them: ``--expect``, ``--check`` and the files they read."""

from lrsched_cli.check.checkers import CheckError, Checks, Tolerance, parse_expectation, run

__all__ = ["CheckError", "Checks", "Tolerance", "parse_expectation", "run"]
