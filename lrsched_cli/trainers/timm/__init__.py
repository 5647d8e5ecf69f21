"""timm's train.py: the ``args.yaml`` it writes, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "timm",
    "timm train.py",
    "the args.yaml that timm's train.py writes (keys are its argparse names)",
    {"1.0": "train.py and create_scheduler_v2 of timm 1.0.x"},
    keys={"accumulation": "grad_accum_steps", "batch_size": "batch_size"},
)
