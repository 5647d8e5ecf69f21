"""Small checks shared by the Keras, optax and timm dialects (numbers are in `base`)."""

from __future__ import annotations

from lrsched_cli.frameworks.reproduction import DialectError, describe


def boolean(argument: str, value: object) -> bool:
    """``value`` if it is True or False, else `DialectError`."""
    if not isinstance(value, bool):
        raise DialectError(f"expected True or False, got {describe(value)}", argument)
    return value


def past_end(end: int, rows: int, what: str) -> list[str]:
    """The note for rows showing steps after ``end``, where the schedule has finished."""
    if rows > end + 1:
        return [f"rows past step {end}: {what}"]
    return []
