"""fairseq's ``--lr-scheduler`` names and their options, from the config dataclasses in
fairseq/optim/lr_scheduler/*.py (facebookresearch/fairseq ``3d262bb2``): each option's field name
(``--warmup-updates`` is ``warmup_updates``) and type, and the schedule and config classes that
``@register_lr_scheduler`` registers for it. ``lr``, ``max_update`` and ``total_num_update`` are
filled from ``optimization.*`` (``II(...)``)."""

from __future__ import annotations

from collections.abc import Mapping

SCHEDULES: Mapping[str, tuple[str, str]] = {
    "inverse_sqrt": ("InverseSquareRootSchedule", "InverseSquareRootLRScheduleConfig"),
    "cosine": ("CosineLRSchedule", "CosineLRScheduleConfig"),
    "polynomial_decay": ("PolynomialDecayLRSchedule", "PolynomialDecayLRScheduleConfig"),
    "tri_stage": ("TriStageLRSchedule", "TriStageLRScheduleConfig"),
    "fixed": ("FixedLRSchedule", "FixedLRScheduleConfig"),
    "step": ("StepLRSchedule", "StepLRScheduleConfig"),
}
"""``--lr-scheduler`` name -> (schedule class, config class)."""

OPTIONS: Mapping[str, Mapping[str, str]] = {
    "inverse_sqrt": {"warmup_updates": "int", "warmup_init_lr": "float", "lr": "list"},
    "cosine": {
        "warmup_updates": "int",
        "warmup_init_lr": "float",
        "lr": "list",
        "min_lr": "float",
        "t_mult": "float",
        "lr_period_updates": "float",
        "lr_shrink": "float",
        "max_update": "int",
    },
    "polynomial_decay": {
        "warmup_updates": "int",
        "force_anneal": "int",
        "end_learning_rate": "float",
        "power": "float",
        "total_num_update": "float",
        "lr": "list",
    },
    "tri_stage": {
        "warmup_steps": "int",
        "hold_steps": "int",
        "decay_steps": "int",
        "phase_ratio": "tuple",
        "init_lr_scale": "float",
        "final_lr_scale": "float",
        "max_update": "float",
        "lr": "list",
    },
    "fixed": {"force_anneal": "int", "lr_shrink": "float", "warmup_updates": "int", "lr": "list"},
    "step": {
        "warmup_updates": "int",
        "warmup_init_lr": "float",
        "lr": "list",
        "min_lr": "float",
        "lr_deacy_period": "int",
        "lr_decay": "float",
    },
}
"""Each schedule's config fields and their types."""
