"""fairseq's learning-rate schedulers (``fairseq.optim.lr_scheduler``), reproduced (`reproduce`);
read only, never an ``--emit`` target."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "fairseq",
    "fairseq",
    (
        "fairseq.optim.lr_scheduler",
        "fairseq.optim.lr_scheduler.inverse_square_root_schedule",
        "fairseq.optim.lr_scheduler.cosine_lr_scheduler",
        "fairseq.optim.lr_scheduler.polynomial_decay_schedule",
        "fairseq.optim.lr_scheduler.tri_stage_lr_scheduler",
        "fairseq.optim.lr_scheduler.fixed_schedule",
        "fairseq.optim.lr_scheduler.step_lr_scheduler",
    ),
    float32=False,
    tolerance=1e-9,
    unit="step",
    emits=False,
)
