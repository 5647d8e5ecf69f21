"""PyTorch: ``torch.optim.lr_scheduler``, reproduced (`reproduce`) and written (`emit`)."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "torch", "PyTorch", ("torch.optim.lr_scheduler",), float32=False, tolerance=1e-9, unit="epoch"
)
