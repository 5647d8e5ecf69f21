"""Trainers: one folder each, turning its config and the run's facts into the schedule it runs.

`TRAINERS` is the table of them, one line per trainer. A new trainer is a folder holding its
`Trainer` record (in ``__init__``) and ``derive.py`` (``derive(config, run) -> Derivation``),
plus its line here. `derive` loads a trainer's module only when it is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from lrsched_cli.trainers import (
    composer,
    deepspeed,
    detectron2,
    fairseq,
    hf,
    lightning,
    megatron,
    mmengine,
    nemo,
    timm,
    torchtune,
)
from lrsched_cli.trainers.base import Derivation, Run, Trainer

TRAINERS: Mapping[str, Trainer] = {
    record.key: record
    for record in [
        hf.TRAINER,
        lightning.TRAINER,
        timm.TRAINER,
        torchtune.TRAINER,
        deepspeed.TRAINER,
        mmengine.TRAINER,
        megatron.TRAINER,
        detectron2.TRAINER,
        nemo.TRAINER,
        fairseq.TRAINER,
        composer.TRAINER,
    ]
}


def derive(trainer: str, config: dict[str, Any], run: Run) -> Derivation:
    """The schedule ``trainer`` runs for this config and run."""
    module = importlib.import_module(f"lrsched_cli.trainers.{trainer}.derive")
    derivation: Derivation = module.derive(config, run)
    return derivation


__all__ = ["TRAINERS", "Derivation", "Run", "Trainer", "derive"]
