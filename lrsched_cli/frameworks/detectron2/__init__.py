"""fvcore's ParamSchedulers and Detectron2's ``WarmupParamScheduler`` and ``LRMultiplier``,
reproduced (`reproduce`); read only, never an ``--emit`` target."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "detectron2",
    "fvcore / Detectron2",
    ("fvcore.common.param_scheduler", "detectron2.solver", "detectron2.solver.lr_scheduler"),
    float32=False,
    tolerance=1e-9,
    unit="step",
    emits=False,
)
