"""Trainers: one folder each, turning its config and the run's facts into the schedule it runs.

`TRAINERS` is the table of them, by the folder names in `NAMES`, one line per trainer. A new
trainer is a folder holding its `Trainer` record (in ``__init__``) and ``derive.py``
(``derive(config, run) -> Derivation``), plus its line here. A record is loaded when it is asked
for, `derive` a trainer's module likewise: a run loads its own trainer's alone (the help, every
record).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from lrsched_cli.records import Folders
from lrsched_cli.trainers.base import Derivation, Run, Trainer

NAMES = (
    "hf",
    "lightning",
    "timm",
    "torchtune",
    "deepspeed",
    "mmengine",
    "megatron",
    "detectron2",
    "nemo",
    "fairseq",
    "composer",
)
"""The trainers' folders, each the name the command line gives it, in the help's order."""


TRAINERS: Mapping[str, Trainer] = Folders("lrsched_cli.trainers", NAMES, "TRAINER")
"""The trainers' records by name, each imported from its folder when asked for."""


def derive(trainer: str, config: dict[str, Any], run: Run) -> Derivation:
    """The schedule ``trainer`` runs for this config and run."""
    module = importlib.import_module(f"lrsched_cli.trainers.{trainer}.derive")
    derivation: Derivation = module.derive(config, run)
    return derivation


__all__ = ["TRAINERS", "Derivation", "Run", "Trainer", "derive"]
