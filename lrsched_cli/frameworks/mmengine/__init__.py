"""MMEngine: the LR schedulers of ``mmengine.optim``, reproduced (`reproduce`); read only, no ``--emit``."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "mmengine",
    "MMEngine",
    ("mmengine.optim", "mmengine.optim.scheduler"),
    float32=False,
    tolerance=1e-9,
    unit="epoch",
    emits=False,
)
