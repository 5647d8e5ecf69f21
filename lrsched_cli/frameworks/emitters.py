"""The table of emitters: per framework and schedule, the function writing it or why there is none."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping

from lrsched_cli.errors import EmitError, LrschedError
from lrsched_cli.frameworks import FRAMEWORKS
from lrsched_cli.frameworks.emitting import Emitter, Spec
from lrsched_cli.frameworks.reproduction import Reproduction
from lrsched_cli.plan import DEFAULT_ROWS, Plan, in_steps
from lrsched_cli.registry import Entry


def emitters(key: str) -> Mapping[str, Emitter | str]:
    """A framework's table, from its folder's ``emit`` module: per schedule, its emitter, or why
    the framework cannot express the schedule."""
    module = importlib.import_module(f"lrsched_cli.frameworks.{key}.emit")
    table: Mapping[str, Emitter | str] = module.EMITTERS
    return table


WARMUP = ("warmup", "warmup_steps", "warmup_ratio", "warmup_start_lr", "steps_per_epoch", "by_epoch")
BY_EPOCH = (
    "--by-epoch steps the schedule once per epoch and its warmup once per optimizer step: two "
    "schedulers stepped at different times, which one expression cannot build"
)


WARMUP_OPTIONS = (("warmup_ratio", "--warmup-ratio"), ("warmup_steps", "--warmup-steps"))
"""The warmup options a plan records when given (``warmup_steps`` also for a ratio), first match wins."""


def spec_of(entry: Entry, plan: Plan) -> Spec:
    """The plan as emitters see it: its own parameters, defaults included, counted in steps."""
    if entry.length and plan.params.get(entry.length) is None:
        option = "--" + entry.length.replace("_", "-")
        raise EmitError(f"{option} defaults to the rows, and --epochs 0 gives none: give {option}")
    if plan.params.get("by_epoch"):
        raise EmitError(BY_EPOCH)
    k = plan.params.get("steps_per_epoch") or 1
    defaults = {p.name: p.default for p in entry.parameters() if p.default is not inspect.Parameter.empty}
    own = defaults | {name: value for name, value in plan.params.items() if name not in WARMUP}
    on_steps = {name: in_steps(name, value, k) for name, value in own.items()}
    warmup = plan.params.get("warmup_steps", plan.params.get("warmup", 0) * k)
    return Spec(
        params=on_steps,
        warmup=warmup,
        warmup_start_lr=plan.params.get("warmup_start_lr", 0.0),
        first_rate=plan.schedule(warmup),
        rows=plan.rows,
        steps_per_epoch=k,
        warmup_option=next((flag for key, flag in WARMUP_OPTIONS if key in plan.params), "--warmup"),
    )


def expression(entry: Entry, plan: Plan, key: str) -> str:
    """The expression building ``plan`` in the framework ``key``; `EmitError` says why there is none."""
    missing = f"lrsched cannot write {entry.name} for {FRAMEWORKS[key].name} yet"
    emitter = emitters(key).get(entry.name, missing)
    if isinstance(emitter, str):
        raise EmitError(emitter)
    return emitter(spec_of(entry, plan))


def emitted(entry: Entry, plan: Plan, key: str) -> tuple[str, Reproduction]:
    """The line ``--emit`` prints (the expression, with its row count where `lrsched from`
    would show another by default), and the expression as ``from`` reads it."""
    from lrsched_cli.frameworks.dispatch import reproduce

    code = expression(entry, plan, key)
    try:
        read = reproduce(code, lr=plan.params.get("lr"), frameworks=[key])
    except LrschedError as error:  # an emitter's bug: never print code `from` cannot read
        raise AssertionError(f"{code} does not read back: {error.message}") from None
    natural = read.length if read.length is not None else DEFAULT_ROWS
    return (code if natural == plan.rows else code + ROWS_COMMENT.format(rows=plan.rows)), read


ROWS_COMMENT = "  # lrsched: {rows} rows"
"""What ends an emitted line whose rows `lrsched from` would not show by default (a cosine's
T_max + 1, 30 where the scheduler has no length): the rows the code was written for, which
``from`` reads back as its default --epochs (`expression.intended_rows`)."""
