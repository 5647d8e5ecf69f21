"""The table of emitters: per framework and schedule, the function writing it or why there is none."""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from lrsched_cli.frameworks.base import Framework
from lrsched_cli.frameworks.emitting import NAMES, TOLERANCE, EmitError, Emitter, Spec, agree
from lrsched_cli.frameworks.hf import emit as hf
from lrsched_cli.frameworks.keras import emit as keras
from lrsched_cli.frameworks.optax import emit as optax
from lrsched_cli.frameworks.timm import emit as timm
from lrsched_cli.frameworks.torch import emit as torch
from lrsched_cli.plan import Plan
from lrsched_cli.registry import PARAMS, Entry

__all__ = ["EMITTERS", "NAMES", "TOLERANCE", "EmitError", "Framework", "Spec", "agree", "expression"]

EMITTERS: Mapping[Framework, Mapping[str, Emitter | str]] = {
    Framework.torch: torch.EMITTERS,
    Framework.keras: keras.EMITTERS,
    Framework.optax: optax.EMITTERS,
    Framework.hf: hf.EMITTERS,
    Framework.timm: timm.EMITTERS,
}
"""Framework -> schedule -> its emitter, or why the framework cannot express the schedule."""

WARMUP = ("warmup", "warmup_start_lr", "steps_per_epoch")


def spec_of(entry: Entry, plan: Plan) -> Spec:
    """The plan as emitters see it: its own parameters, defaults included, counted in steps."""
    k = plan.params.get("steps_per_epoch") or 1
    defaults = {p.name: p.default for p in entry.parameters() if p.default is not inspect.Parameter.empty}
    own = defaults | {name: value for name, value in plan.params.items() if name not in WARMUP}
    on_steps = {name: _in_steps(name, value, k) for name, value in own.items()}
    warmup = plan.params.get("warmup", 0) * k
    return Spec(
        params=on_steps,
        warmup=warmup,
        warmup_start_lr=plan.params.get("warmup_start_lr", 0.0),
        first_rate=plan.schedule(warmup),
        rows=plan.rows,
        steps_per_epoch=k,
    )


def _in_steps(name: str, value: object, k: int) -> object:
    if name not in PARAMS or not PARAMS[name].duration or value is None:
        return value
    if isinstance(value, tuple):
        return [item * k for item in value]
    assert isinstance(value, int)
    return value * k


def expression(entry: Entry, plan: Plan, framework: Framework) -> str:
    """The expression building ``plan`` in ``framework``; `EmitError` says why there is none."""
    missing = f"lrsched cannot write {entry.name} for {NAMES[framework]} yet"
    emitter = EMITTERS[framework].get(entry.name, missing)
    if isinstance(emitter, str):
        raise EmitError(emitter)
    return emitter(spec_of(entry, plan))
