"""Frameworks: one folder each, reading its scheduler calls (`reproduce`) and writing them (`emit`).

`FRAMEWORKS` is the table of them, one line per framework. A new framework is a folder holding
its `Framework` record (in ``__init__``), ``reproduce.py`` (a ``SCHEDULERS`` table of functions
with the framework's own signatures) and ``emit.py`` (an ``EMITTERS`` table), plus its line
here. `dispatch.reproduce` reads a call (``lrsched from``), `emitters.expression` writes one
(``--emit``); both load a framework's modules only when they need them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from lrsched_cli.frameworks import deepspeed, hf, keras, megatron, mmengine, optax, timm, torch
from lrsched_cli.frameworks.base import Framework

FRAMEWORKS: Mapping[str, Framework] = {
    record.key: record
    for record in [
        torch.FRAMEWORK,
        keras.FRAMEWORK,
        optax.FRAMEWORK,
        hf.FRAMEWORK,
        timm.FRAMEWORK,
        deepspeed.FRAMEWORK,
        mmengine.FRAMEWORK,
        megatron.FRAMEWORK,
    ]
}

EmitTarget = StrEnum("EmitTarget", {key: key for key, record in FRAMEWORKS.items() if record.emits})  # type: ignore[misc]
"""The choices of ``--emit``: every emitting framework's key (Typer takes choices from an Enum)."""

__all__ = ["FRAMEWORKS", "EmitTarget", "Framework"]
