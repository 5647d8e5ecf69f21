"""MMEngine's LR schedulers (``mmengine.optim``), as constructed on an optimizer and as a
``param_scheduler`` list, the chain its Runner builds: the classes are in `schedulers`, the
stepping in `chain`; the list, and the table, here.

A scheduler counts epochs (``by_epoch=True``, MMEngine's default) or iterations: its rows are
those steps, row 1 what the constructor set. A ``param_scheduler`` list (pasted as the config
writes it, ``param_scheduler = [dict(type='LinearLR', ...), dict(type='CosineAnnealingLR', ...)]``,
or as calls) is built in order on the same optimizer and stepped together; one that mixes
``by_epoch`` values, or converts with ``convert_to_iter_based``, needs the epoch length the
Runner passes (``len(train_dataloader)``): ``param_scheduler([...], epoch_length=N)``, and
then its rows are iterations. ``lrsched trainer mmengine`` writes that call from a config.

Source read: mmengine 0.10.7, optim/scheduler/{param_scheduler,lr_scheduler}.py,
runner/runner.py (``_build_param_scheduler``), registry/build_functions.py
(``build_scheduler_from_cfg``), hooks/param_scheduler_hook.py.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.mmengine import chain
from lrsched_cli.frameworks.mmengine.chain import INF
from lrsched_cli.frameworks.mmengine.schedulers import CLASSES, FRAMEWORK, MMEngineReproduction
from lrsched_cli.frameworks.reproduction import Reproduction, describe, integer, metric_driven

CONVERTED = {
    "CosineAnnealingLR": ("T_max",),
    "StepLR": ("step_size",),
    "MultiStepLR": ("milestones",),
    "OneCycleLR": ("total_steps",),
    "CosineRestartLR": ("periods",),
}
"""What each class's ``build_iter_from_epoch`` multiplies by the epoch length, besides
``begin`` and ``end`` (every class converts those)."""


def param_scheduler(schedulers: list[object], epoch_length: int | None = None) -> Reproduction:
    """The chain MMEngine's Runner builds from a ``param_scheduler`` list, built in order on the
    optimizer: each item a scheduler call or a ``dict(type=NAME, ...)`` as the config writes it.
    ``epoch_length`` (``len(train_dataloader)``) makes the rows iterations."""
    if not isinstance(schedulers, list):
        schedulers = [schedulers]
    if not schedulers:
        raise DialectError("param_scheduler", "an empty list schedules nothing")
    length = None if epoch_length is None else integer("epoch_length", epoch_length, minimum=1)
    built = [_item(index, item, length) for index, item in enumerate(schedulers)]
    kinds = {item.by_epoch for item in built}
    if length is None and len(kinds) > 1:
        raise DialectError(
            "param_scheduler",
            "the list mixes by_epoch=True and by_epoch=False: iterations and epochs interleave by the epoch "
            "length, len(train_dataloader): write param_scheduler([...], epoch_length=N), or use "
            "lrsched trainer mmengine with the config",
        )
    builds = [(item.build, item.by_epoch) for item in built if item.build is not None]
    name = "param_scheduler"

    def rates(lr: float | None) -> Iterator[float]:
        return chain.rates(builds, lr if lr is not None else 0.0, length, name)

    def notes(rows: int) -> list[str]:
        return [note for item in built for note in item.trap_notes(rows)]

    ends = [item.length for item in built]
    natural = None if None in ends else max(end for end in ends if end is not None)
    if natural is not None and length is not None:
        natural = max((item.length or 0) * (length if item.by_epoch else 1) for item in built)
    return Reproduction(
        FRAMEWORK,
        name,
        {},
        rates,
        needs_lr=not all(item.one_cycle for item in built),
        length=natural,
        notes=notes,
        unit="step" if length is not None or not kinds.pop() else "epoch",
    )


def _item(index: int, item: object, epoch_length: int | None) -> MMEngineReproduction:
    where = f"param_scheduler[{index}]"
    if isinstance(item, MMEngineReproduction):
        return item
    if isinstance(item, Reproduction):
        raise DialectError(
            where,
            f"{item.scheduler} is {item.framework}'s: a param_scheduler list holds MMEngine's schedulers "
            f"(write mmengine.optim.{item.scheduler} if it has one)",
        )
    if not isinstance(item, dict) or "type" not in item:
        raise DialectError(
            where, f"expected dict(type='LinearLR', ...) or a scheduler call, got {describe(item)}"
        )
    arguments = {str(key): value for key, value in item.items() if key not in ("type", "_scope_")}
    kind = item["type"]
    if kind in REFUSED:
        raise DialectError(where, REFUSED[str(kind)])
    if kind not in CLASSES:
        import difflib  # only for the error

        close = difflib.get_close_matches(str(kind), CLASSES, n=2)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise DialectError(
            f"{where}.type",
            f"{describe(kind)} is not an MMEngine LR scheduler{hint}; it has {', '.join(CLASSES)}",
        )
    converted = bool(arguments.pop("convert_to_iter_based", False))
    if converted:
        arguments = _converted(where, str(kind), arguments, epoch_length)
    function = CLASSES[str(kind)]
    try:
        bound = inspect.signature(function).bind("optimizer", **arguments)
    except TypeError as exc:
        raise DialectError(where, f"{kind}: {exc}") from None
    try:
        built = function(*bound.args, **bound.kwargs)
    except DialectError as error:
        raise DialectError(f"{where}.{error.argument}" if error.argument else where, error.message) from None
    unit = " (counted in iterations: convert_to_iter_based multiplies by the epoch length)"
    suffix = unit if converted else ""
    notes = built.trap_notes
    return built._replace(trap_notes=lambda rows: [f"{where}: {note}{suffix}" for note in notes(rows)])


def _converted(where: str, kind: str, arguments: dict[str, Any], epoch_length: int | None) -> dict[str, Any]:
    """``build_iter_from_epoch``: an epoch-based config as iterations."""
    if epoch_length is None:
        raise DialectError(
            f"{where}.convert_to_iter_based",
            "converts epochs to iterations by len(train_dataloader): write param_scheduler([...], "
            "epoch_length=N), or use lrsched trainer mmengine with the config",
        )
    if not arguments.get("by_epoch", True):
        raise DialectError(
            f"{where}.convert_to_iter_based",
            "Only epoch-based kwargs whose `by_epoch=True` can be converted to iter-based.",
        )
    converted = dict(arguments, by_epoch=False)
    converted["begin"] = int(integer(f"{where}.begin", arguments.get("begin", 0)) * epoch_length)
    end = arguments.get("end", INF)
    if end != INF:
        converted["end"] = int(integer(f"{where}.end", end) * epoch_length)
    for key in CONVERTED.get(kind, ()):
        value = arguments.get(key)
        if isinstance(value, list):
            converted[key] = [step * epoch_length for step in value]
        elif value is not None:
            converted[key] = value * epoch_length
    return converted


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {**CLASSES, "param_scheduler": param_scheduler}

REFUSED: dict[str, str] = {"ReduceOnPlateauLR": metric_driven("ReduceOnPlateauLR")}

STEP_COUNTS = frozenset({"T_max", "step_size", "total_steps", "begin", "end"})
"""The arguments that count steps: a float below 1 gets a note (a ratio where steps go)."""
