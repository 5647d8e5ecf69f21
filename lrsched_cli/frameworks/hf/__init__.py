"""Hugging Face transformers: its schedule functions, reproduced (`reproduce`) and written (`emit`)."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "hf",
    "transformers",
    ("transformers", "transformers.optimization"),
    float32=False,
    tolerance=1e-9,
    unit="step",
)
