"""Detectron2's ``DefaultTrainer``: a YAML config's ``SOLVER`` section, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "detectron2",
    "Detectron2 DefaultTrainer",
    "its YAML config (SOLVER: LR_SCHEDULER_NAME, BASE_LR, BASE_LR_END, MAX_ITER, STEPS, GAMMA, "
    "NUM_DECAYS, WARMUP_FACTOR, WARMUP_ITERS, WARMUP_METHOD, RESCALE_INTERVAL, IMS_PER_BATCH, "
    "REFERENCE_WORLD_SIZE; the other sections are accepted and not read); --world-size is "
    "checked against REFERENCE_WORLD_SIZE",
    {"0.6": "build_lr_scheduler and auto_scale_workers as on detectron2's main branch (02b5c4e2, 0.6)"},
)
