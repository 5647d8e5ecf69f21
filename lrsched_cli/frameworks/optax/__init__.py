"""optax: its schedules, reproduced (`reproduce`) and written (`emit`)."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "optax", "optax", ("optax", "optax.schedules"), float32=True, tolerance=1e-6, unit="step"
)
