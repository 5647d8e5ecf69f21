"""timm: ``timm.scheduler``, reproduced (`reproduce`) and written (`emit`)."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "timm",
    "timm",
    (
        "timm.scheduler",
        "timm.scheduler.cosine_lr",
        "timm.scheduler.step_lr",
        "timm.scheduler.multistep_lr",
        "timm.scheduler.poly_lr",
        "timm.scheduler.tanh_lr",
    ),
    float32=False,
    tolerance=1e-9,
    unit="epoch",
)
