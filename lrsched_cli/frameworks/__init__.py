"""Frameworks: one folder each, reading its scheduler calls (`reproduce`) and writing them (`emit`).

`FRAMEWORKS` is the table of them, one line per framework. A new framework is a folder holding
its `Framework` record (in ``__init__``), ``reproduce.py`` (a ``SCHEDULERS`` table of functions
with the framework's own signatures) and ``emit.py`` (an ``EMITTERS`` table), plus its line
here. `dispatch.reproduce` reads a call (``lrsched from``), `emitters.expression` writes one
(``--emit``), `porting.port` writes a call for another framework through its folder's
``generic.py`` (``from --emit``); each loads a framework's modules only when it needs them.
"""

from __future__ import annotations

from collections.abc import Mapping

from lrsched_cli.frameworks import (
    composer,
    deepspeed,
    detectron2,
    fairseq,
    hf,
    keras,
    megatron,
    mmengine,
    nemo,
    optax,
    timm,
    torch,
)
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
        detectron2.FRAMEWORK,
        nemo.FRAMEWORK,
        fairseq.FRAMEWORK,
        composer.FRAMEWORK,
    ]
}

EMIT_TARGETS: tuple[str, ...] = (*(key for key, record in FRAMEWORKS.items() if record.emits), "lrsched")
"""The choices of ``--emit``: every emitting framework's key, and ``lrsched``, the generic command
line."""

__all__ = ["EMIT_TARGETS", "FRAMEWORKS", "Framework"]
