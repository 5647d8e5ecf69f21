"""MosaicML Composer's schedulers (``composer.optim.scheduler``), reproduced (`reproduce`); read
only, never an ``--emit`` target."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "composer",
    "Composer",
    ("composer.optim.scheduler", "composer.optim"),
    float32=False,
    tolerance=1e-9,
    unit="step",
    emits=False,
)
