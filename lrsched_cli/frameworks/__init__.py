"""Frameworks: one folder each, reading its scheduler calls (`reproduce`) and writing them (`emit`).

`FRAMEWORKS` is the table of them, by the folder names in `CORE` and `STACKS`. A new framework
is a folder holding its `Framework` record (in ``__init__``), ``reproduce.py`` (a ``SCHEDULERS``
table of functions with the framework's own signatures) and ``emit.py`` (an ``EMITTERS``
table), plus its name here. `dispatch.reproduce` reads a call (``lrsched from``),
`emitters.expression` writes one (``--emit``), `porting.port` writes a call for another
framework through its folder's ``generic.py`` (``from --emit``); each loads a framework's
modules only when it needs them.
"""

from __future__ import annotations

from collections.abc import Mapping

from lrsched_cli.frameworks.base import Framework
from lrsched_cli.records import Folders

CORE = ("torch", "keras", "optax", "hf", "timm")
"""The core frameworks' folders, in the order `lrsched from` tries them: a bare scheduler name
one of them has is its own (a stack's same name needs the stack's module prefix)."""

STACKS = ("deepspeed", "mmengine", "megatron", "detectron2", "nemo", "fairseq", "composer")
"""The big-model stacks' folders: read only (``from``, ``trainer``), each loaded when a call
needs it."""


FRAMEWORKS: Mapping[str, Framework] = Folders("lrsched_cli.frameworks", (*CORE, *STACKS), "FRAMEWORK")
"""The records by key, core frameworks first, each imported from its folder when asked for: a
PyTorch call loads PyTorch's record alone, not the stacks'."""


def emit_targets() -> tuple[str, ...]:
    """The choices of ``--emit``: every emitting framework's key, and ``lrsched``, the generic
    command line."""
    return (*(key for key, record in FRAMEWORKS.items() if record.emits), "lrsched")


__all__ = ["CORE", "FRAMEWORKS", "STACKS", "Framework", "emit_targets"]
