"""What lrsched knows of a framework, declared once: the `Framework` record.

Each framework folder (``torch/``, ``keras/``, ...) declares its record in its ``__init__``;
`lrsched_cli.frameworks.FRAMEWORKS` lists them. The folder's ``reproduce`` module reads the
framework's scheduler calls (``lrsched from``), its ``emit`` module writes them (``--emit``).
Loading a record loads neither: a plain run reads the records for the --emit choices.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from lrsched_cli.records import Record

if TYPE_CHECKING:
    from lrsched_cli.plan import Unit  # a type only: records load nothing


class Framework(Record):
    """One framework's facts."""

    key: str
    """How the user names it (``--emit torch``) and the JSON ``framework`` value."""
    name: str
    """How messages name it: ``PyTorch``, ``transformers``."""
    prefixes: tuple[str, ...]
    """Module paths a scheduler name may be written with in ``lrsched from``; their trailing
    parts work too (``lr_scheduler.StepLR`` after ``from torch.optim import lr_scheduler``)."""
    float32: bool
    """Whether it computes rates in float32 (Keras, optax), which lrsched emulates op by op."""
    tolerance: float
    """How closely its rates and lrsched's agree: relative to each rate, or to the schedule's
    peak where rates are small (a float32 framework rounds every value)."""
    unit: Unit
    """What its t counts, so what a row is labelled: ``step`` where the framework itself steps
    the schedule once per optimizer update (Keras, optax, Hugging Face), ``epoch`` where the
    training loop decides (PyTorch's ``scheduler.step()``, timm unless ``t_in_epochs=False``:
    a scheduler may say otherwise, `Reproduction.unit`)."""
    emits: bool = True
    """Whether ``--emit`` can write its code (its folder has an ``emit`` module); a stack that
    lrsched only reads (``lrsched from``, ``lrsched trainer``) is not an ``--emit`` choice.
    Whether its bare scheduler names are its own is where its folder is listed: `CORE` or
    `STACKS` (`lrsched_cli.frameworks`)."""

    def __str__(self) -> str:
        return self.key

    def agrees(self, got: float, want: float, peak: float) -> bool:
        """Whether a rate this framework computed is lrsched's within the tolerance."""
        return math.isclose(got, want, rel_tol=self.tolerance, abs_tol=self.tolerance * peak)
