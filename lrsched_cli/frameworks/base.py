"""``--emit``: one Python expression that builds a schedule in a framework, with lrsched's rates.

`EMITTERS` declares, per framework and schedule, either the function that writes the expression
from the resolved schedule or the reason the framework cannot express it. An emitter may still
refuse a particular schedule (`EmitError`): a warmup the framework cannot start from, rows past
the point where the framework clamps, a float32 rounding that would drift past 1e-6. It never
writes an approximation.

Expressions use fully qualified names and an optimizer named ``optimizer``; the PyTorch,
transformers and timm schedulers scale that optimizer's learning rate, built with ``lr=--lr``.
"""

from enum import StrEnum


class Framework(StrEnum):
    """The frameworks ``--emit`` writes code for (the table of emitters is in `emitters`)."""

    torch = "torch"
    keras = "keras"
    optax = "optax"
    hf = "hf"
    timm = "timm"
