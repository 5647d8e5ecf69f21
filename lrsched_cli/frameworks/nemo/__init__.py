"""NVIDIA NeMo's schedulers (``nemo.core.optim.lr_scheduler``), reproduced (`reproduce`); read
only, never an ``--emit`` target."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "nemo",
    "NeMo",
    ("nemo.core.optim.lr_scheduler", "nemo.core.optim"),
    float32=False,
    tolerance=1e-9,
    unit="step",
    emits=False,
)
