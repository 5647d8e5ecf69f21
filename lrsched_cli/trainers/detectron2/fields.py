"""Detectron2's config keys, from detectron2/config/defaults.py (facebookresearch/detectron2
``02b5c4e2``): the top-level sections and every ``SOLVER`` key with its default, whose type a
config's value must have (yacs' ``_check_and_coerce_cfg_value_type``)."""

from __future__ import annotations

from collections.abc import Mapping

SECTIONS: tuple[str, ...] = (
    "VERSION",
    "MODEL",
    "INPUT",
    "DATASETS",
    "DATALOADER",
    "SOLVER",
    "TEST",
    "OUTPUT_DIR",
    "SEED",
    "CUDNN_BENCHMARK",
    "FLOAT32_PRECISION",
    "VIS_PERIOD",
    "GLOBAL",
)
"""The top-level keys of ``get_cfg()``."""

SOLVER: Mapping[str, object] = {
    "LR_SCHEDULER_NAME": "WarmupMultiStepLR",
    "MAX_ITER": 40000,
    "BASE_LR": 0.001,
    "BASE_LR_END": 0.0,
    "MOMENTUM": 0.9,
    "NESTEROV": False,
    "WEIGHT_DECAY": 0.0001,
    "WEIGHT_DECAY_NORM": 0.0,
    "GAMMA": 0.1,
    "STEPS": (30000,),
    "NUM_DECAYS": 3,
    "WARMUP_FACTOR": 1.0 / 1000,
    "WARMUP_ITERS": 1000,
    "WARMUP_METHOD": "linear",
    "RESCALE_INTERVAL": False,
    "CHECKPOINT_PERIOD": 5000,
    "IMS_PER_BATCH": 16,
    "REFERENCE_WORLD_SIZE": 0,
    "BIAS_LR_FACTOR": 1.0,
    "WEIGHT_DECAY_BIAS": None,
    "CLIP_GRADIENTS": {"ENABLED": False, "CLIP_TYPE": "value", "CLIP_VALUE": 1.0, "NORM_TYPE": 2.0},
    "AMP": {"ENABLED": False},
}
"""``_C.SOLVER``'s keys and defaults."""

SCHEDULERS: tuple[str, ...] = ("WarmupMultiStepLR", "WarmupCosineLR", "WarmupStepWithFixedGammaLR")
"""The names ``build_lr_scheduler`` knows (solver/build.py 283-323)."""
