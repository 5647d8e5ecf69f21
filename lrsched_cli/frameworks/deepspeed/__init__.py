"""DeepSpeed: ``deepspeed.runtime.lr_schedules``, reproduced (`reproduce`); read only, no ``--emit``."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "deepspeed",
    "DeepSpeed",
    ("deepspeed.runtime.lr_schedules",),
    float32=False,
    tolerance=1e-9,
    unit="step",
    emits=False,
)
