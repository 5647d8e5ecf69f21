"""MMEngine's Runner: a Python config, read with ``ast`` and never executed, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "mmengine",
    "MMEngine Runner",
    "the Python config (param_scheduler, train_cfg, optim_wrapper, train_dataloader, auto_scale_lr; "
    "_base_ files resolved beside it), read as data with ast: a config that imports or calls "
    "anything but dict() is refused",
    {"0.10": "MMEngine 0.10.x"},
    reader=True,
)
