"""``lrsched from``: reproduce a framework's scheduler from its pasted constructor call.

`reproduce` parses the call (`parse`), finds the framework from the scheduler's name (a module
prefix such as ``torch.optim.lr_scheduler.`` may narrow it), binds the arguments to the
registered function's signature exactly as Python would, evaluates nested scheduler calls
first, and checks that ``--lr`` is given when the rates scale it.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import inspect
from collections.abc import Callable, Collection, Mapping
from types import ModuleType

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks import FRAMEWORKS
from lrsched_cli.frameworks.expression import Call, Lambda, Name, Value, parse
from lrsched_cli.frameworks.reproduction import Reproduction

__all__ = ["Reproduction", "reproduce", "supported"]

Scheduler = Callable[..., Reproduction]


def _load(framework: str) -> ModuleType | None:
    module = f"lrsched_cli.frameworks.{framework}.reproduce"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:  # a framework not written yet; any other missing module is a bug
            return None
        raise


def _registry(only: Collection[str] | None = None) -> dict[str, dict[str, Scheduler]]:
    registry: dict[str, dict[str, Scheduler]] = {}
    for framework in FRAMEWORKS if only is None else [f for f in FRAMEWORKS if f in only]:
        module = _load(framework)
        if module is not None:
            registry[framework] = dict(module.SCHEDULERS)
    return registry


def supported() -> dict[str, list[str]]:
    """Framework -> the scheduler names `reproduce` accepts, sorted."""
    return {framework: sorted(names) for framework, names in _registry().items()}


def reproduce(
    expression: str, *, lr: float | None, frameworks: Collection[str] | None = None
) -> Reproduction:
    """The framework scheduler ``expression`` constructs, ready to compute its rates.

    ``frameworks`` narrows the search (and the modules loaded) to those frameworks, when the
    caller knows which one the call is in (``lrsched trainer``).

    Raises `DialectError` for anything lrsched cannot or the framework would not accept,
    including a missing ``lr`` when the rates scale the optimizer's learning rate.
    """
    call = parse(expression)
    reproduction = _construct(call, _registry(frameworks))
    if reproduction.needs_lr and lr is None:
        raise DialectError(
            "--lr",
            f"{reproduction.scheduler} scales the optimizer's learning rate: give it with --lr",
        )
    if not reproduction.needs_lr and lr is not None:
        reproduction = _with_note(
            reproduction,
            f"--lr {lr} is ignored: {reproduction.scheduler} sets the rates itself",
        )
    # Errors the framework raises on construction (its first step) surface here, not mid-output.
    next(iter(reproduction.rates(lr)), None)
    return reproduction


def _with_note(reproduction: Reproduction, note: str) -> Reproduction:
    notes = reproduction.notes
    return dataclasses.replace(reproduction, notes=lambda rows: [note, *notes(rows)])


def _construct(call: Call, registry: Mapping[str, Mapping[str, Scheduler]]) -> Reproduction:
    framework, function = _resolve(call.name, registry)
    scheduler = call.name.rpartition(".")[2]
    args = [_evaluate(arg, registry) for arg in call.args]
    kwargs = {key: _evaluate(value, registry) for key, value in call.kwargs.items()}
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except TypeError as exc:
        signature = _signature(scheduler, function)
        raise DialectError(None, f"{scheduler}(): {exc}; its signature is {signature}") from None
    bound.apply_defaults()
    try:
        reproduction = function(*bound.args, **bound.kwargs)
    except ArithmeticError as exc:  # the framework's own Python arithmetic fails the same way
        raise DialectError(None, f"{scheduler}() fails: {type(exc).__name__}: {exc}") from None
    return dataclasses.replace(
        reproduction,
        framework=framework,
        scheduler=scheduler,
        arguments={key: _json(value) for key, value in bound.arguments.items()},
        expression=call.source,
    )


def _signature(name: str, function: Scheduler) -> str:
    """``StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1)``: as the framework documents it."""
    parameters = inspect.signature(function).parameters.values()
    shown = [p.name if p.default is p.empty else f"{p.name}={p.default!r}" for p in parameters]
    return f"{name}({', '.join(shown)})"


def _evaluate(value: Value, registry: Mapping[str, Mapping[str, Scheduler]]) -> object:
    """Arguments as the framework function receives them: nested calls constructed first."""
    if isinstance(value, Call):
        return _construct(value, registry)
    if isinstance(value, list):
        return [_evaluate(item, registry) for item in value]
    if isinstance(value, tuple):
        return tuple(_evaluate(item, registry) for item in value)
    if isinstance(value, dict):
        return {key: _evaluate(item, registry) for key, item in value.items()}
    return value


def _json(value: object) -> object:
    """A bound argument as JSON can hold it: a nested scheduler as its own call record."""
    if isinstance(value, Reproduction):
        return {
            "framework": value.framework,
            "scheduler": value.scheduler,
            "expression": value.expression,
            "arguments": dict(value.arguments),
        }
    if isinstance(value, (Name, Lambda)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json(item) for key, item in value.items()}
    return value


def _resolve(dotted: str, registry: Mapping[str, Mapping[str, Scheduler]]) -> tuple[str, Scheduler]:
    module, _, name = dotted.rpartition(".")
    frameworks = [
        framework
        for framework in registry
        if not module or any(_is_tail(module, prefix) for prefix in FRAMEWORKS[framework].prefixes)
    ]
    if not frameworks:
        prefixes = ", ".join(f"{p}." for record in FRAMEWORKS.values() for p in record.prefixes)
        raise DialectError(None, f"unknown module `{module}` in `{dotted}`; known prefixes: {prefixes}")
    found = [
        (framework, registry[framework][name]) for framework in frameworks if name in registry[framework]
    ]
    if len(found) == 1:
        return found[0]
    if found:
        options = " or ".join(f"{FRAMEWORKS[framework].prefixes[0]}.{name}" for framework, _ in found)
        raise DialectError(None, f"`{name}` exists in several frameworks: write {options}")
    raise DialectError(None, _unknown(name, {f: registry[f] for f in frameworks}))


def _is_tail(module: str, prefix: str) -> bool:
    return prefix == module or prefix.endswith(f".{module}")


def _unknown(name: str, registry: Mapping[str, Mapping[str, Scheduler]]) -> str:
    names = {known.lower(): known for schedulers in registry.values() for known in schedulers}
    close = [names[n] for n in difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.6)]
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    listing = "; ".join(
        f"{framework}: {', '.join(sorted(schedulers))}" for framework, schedulers in registry.items()
    )
    return f"unknown scheduler `{name}`{hint}. Supported: {listing}"
