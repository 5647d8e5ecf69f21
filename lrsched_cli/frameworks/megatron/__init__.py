"""Megatron core: ``OptimizerParamScheduler``, reproduced (`reproduce`); read only, no ``--emit``."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "megatron",
    "Megatron core",
    ("megatron.core.optimizer_param_scheduler", "megatron.core"),
    float32=False,
    tolerance=1e-9,
    unit="step",
    emits=False,
)
