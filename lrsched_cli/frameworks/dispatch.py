"""``lrsched from``: reproduce a framework's scheduler from its pasted constructor call.

`reproduce` parses the call (`parse`), finds the framework from the scheduler's name (a module
prefix such as ``torch.optim.lr_scheduler.`` may narrow it), binds the arguments to the
registered function's signature exactly as Python would, evaluates nested scheduler calls
first, and checks that ``--lr`` is given when the rates scale it.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable, Collection, Iterator, Mapping
from types import ModuleType

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks import CORE, FRAMEWORKS, STACKS
from lrsched_cli.frameworks.expression import Call, Lambda, Name, Unbound, Value, parse
from lrsched_cli.frameworks.reproduction import Reproduction, describe

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


def _modules(only: Collection[str] | None = None) -> dict[str, ModuleType]:
    """The framework modules that load (``only`` those, when given)."""
    loaded = {framework: _load(framework) for framework in FRAMEWORKS if only is None or framework in only}
    return {framework: module for framework, module in loaded.items() if module is not None}


def _registry(only: Collection[str] | None = None) -> dict[str, dict[str, Scheduler]]:
    return {framework: dict(module.SCHEDULERS) for framework, module in _modules(only).items()}


def _refused() -> dict[str, dict[str, str]]:
    """Framework -> the names it can never reproduce, each with why (its ``REFUSED``)."""
    return {framework: dict(getattr(module, "REFUSED", {})) for framework, module in _modules().items()}


def _constants(only: Collection[str] | None = None) -> dict[str, Value]:
    """Every framework's named constants (``SchedulerType.COSINE``), as its ``CONSTANTS`` declare."""
    return {
        name: value
        for module in _modules(only).values()
        for name, value in getattr(module, "CONSTANTS", {}).items()
    }


def supported() -> dict[str, list[str]]:
    """Framework -> the scheduler names `reproduce` accepts, sorted."""
    return {framework: sorted(names) for framework, names in _registry().items()}


def reproduce(
    expression: str,
    *,
    lr: float | None,
    names: Mapping[str, Value] | None = None,
    frameworks: Collection[str] | None = None,
) -> Reproduction:
    """The framework scheduler ``expression`` constructs, ready to compute its rates.

    ``names`` are the values ``--let`` gives. ``frameworks`` narrows the search (and the modules
    loaded) to those frameworks, when the caller knows which one the call is in (``lrsched
    trainer``).

    Raises `DialectError` for anything lrsched cannot or the framework would not accept,
    including names without a value (all of them at once) and a missing ``lr`` when the rates
    scale the optimizer's learning rate.

    Without ``frameworks``, the core frameworks are tried first, loading no stack: a bare name
    they have is theirs anyway (`CORE`). Each is tried alone first, in the table's
    order, loading the frameworks before it only (a PyTorch call loads PyTorch alone): no name
    is in two core frameworks (a test holds them to that), so a call one of them builds alone
    is the call they all build; a call mixing them (an HF schedule in a SequentialLR) is read
    with the five. Only a call they cannot build, or one naming a module a stack's prefixes end
    with, is read again with every framework loaded, so that each stack added costs a plain
    ``from`` nothing at start-up.
    """
    if frameworks is None:
        for attempt in [*([key] for key in CORE), list(CORE)]:
            try:
                call, reproduction = _reproduce(expression, lr, names, attempt)
            except DialectError:
                continue
            if not any(_a_stacks(name) for name in _call_names(call)):
                return reproduction
            break
    return _reproduce(expression, lr, names, frameworks)[1]


def _a_stacks(dotted: str) -> bool:
    """Whether a dotted call name's module may be a stack's (``mmengine.optim.LinearLR``)."""
    module = dotted.rpartition(".")[0]
    return bool(module) and any(
        _is_tail(module, prefix) for key in STACKS for prefix in FRAMEWORKS[key].prefixes
    )


def _call_names(value: object) -> Iterator[str]:
    """The name of every call in ``value``, nested ones included."""
    if isinstance(value, Call):
        yield value.name
        for item in (*value.args, *value.kwargs.values()):
            yield from _call_names(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _call_names(item)
    elif isinstance(value, dict):
        for pair in value.items():
            for item in pair:
                yield from _call_names(item)


def _reproduce(
    expression: str, lr: float | None, names: Mapping[str, Value] | None, frameworks: Collection[str] | None
) -> tuple[Call, Reproduction]:
    call = parse(expression, names, _constants(frameworks))
    registry = _registry(frameworks)
    unbound = _unbound(call, registry)
    if unbound:
        example = unbound[0]
        raise DialectError(
            None,
            f"{'a name has' if len(unbound) == 1 else 'names have'} no value: {', '.join(unbound)}; "
            f"give each with --let NAME=VALUE (--let {example}=...)",
        )
    notes: list[str] = []
    reproduction = _construct(call, registry, notes)
    for note in reversed(notes):
        reproduction = _with_note(reproduction, note)
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
    return call, reproduction


def _with_note(reproduction: Reproduction, note: str) -> Reproduction:
    notes = reproduction.notes
    return reproduction._replace(notes=lambda rows: [note, *notes(rows)])


def _construct(
    call: Call, registry: Mapping[str, Mapping[str, Scheduler]], notes: list[str], within: str | None = None
) -> Reproduction:
    """The reproduction ``call`` builds, nested calls first; notes on what was written go to ``notes``.
    ``within`` is the framework of the call this one is nested in: its names come first."""
    framework, function = _resolve(call.name, registry, within)
    scheduler = call.name.rpartition(".")[2]
    args = [_evaluate(arg, registry, notes, framework) for arg in call.args]
    kwargs = {key: _evaluate(value, registry, notes, framework) for key, value in call.kwargs.items()}
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except TypeError as exc:
        signature = _signature(scheduler, function)
        raise DialectError(None, f"{scheduler}(): {exc}; its signature is {signature}") from None
    counts: frozenset[str] = getattr(_modules([framework])[framework], "STEP_COUNTS", frozenset())
    notes += [
        _ratio_note(scheduler, name, value) for name, value in bound.arguments.items() if name in counts
    ]
    notes[:] = [note for note in notes if note]
    bound.apply_defaults()
    try:
        reproduction = function(*bound.args, **bound.kwargs)
    except ArithmeticError as exc:  # the framework's own Python arithmetic fails the same way
        raise DialectError(None, f"{scheduler}() fails: {type(exc).__name__}: {exc}") from None
    return reproduction._replace(
        framework=framework,
        scheduler=scheduler,
        arguments={key: _json(value) for key, value in bound.arguments.items()},
        expression=call.source,
        unit=reproduction.unit or FRAMEWORKS[framework].unit,
    )


OPTIMIZER = "optimizer"
"""The parameter every framework names the optimizer by: the one place a name without a value
stands for something (the optimizer's value is never needed)."""


def _unbound(call: Call, registry: Mapping[str, Mapping[str, Scheduler]]) -> list[str]:
    """The names without a value anywhere in ``call``, in order, each once: in arithmetic, in a
    lambda, or standing for an argument other than the optimizer."""
    found: dict[str, None] = {}
    pending: list[tuple[object, bool, str | None]] = [(call, False, None)]
    while pending:
        value, optimizer, within = pending.pop()
        if isinstance(value, Unbound):
            found.update(dict.fromkeys(value.names))
        elif isinstance(value, Name) and not optimizer:
            found[value.id] = None
        elif isinstance(value, Call):
            pending += reversed(_arguments(value, registry, within))
        elif isinstance(value, (list, tuple)):
            pending += [(item, False, within) for item in reversed(value)]
        elif isinstance(value, dict):
            pending += [(item, False, within) for pair in reversed(value.items()) for item in reversed(pair)]
    return list(found)


def _arguments(
    call: Call, registry: Mapping[str, Mapping[str, Scheduler]], within: str | None
) -> list[tuple[object, bool, str | None]]:
    """``call``'s arguments, each with whether it is the optimizer (where a bare name belongs)
    and the framework they are nested in."""
    try:
        framework, function = _resolve(call.name, registry, within)
        bound = inspect.signature(function).bind(*call.args, **call.kwargs).arguments
    except (DialectError, TypeError):  # reported when the call is constructed
        return [(value, isinstance(value, Name), within) for value in (*call.args, *call.kwargs.values())]
    return [(value, name == OPTIMIZER, framework) for name, value in bound.items()]


def _signature(name: str, function: Scheduler) -> str:
    """``StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1)``: as the framework documents it."""
    parameters = inspect.signature(function).parameters.values()
    shown = [p.name if p.default is p.empty else f"{p.name}={p.default!r}" for p in parameters]
    return f"{name}({', '.join(shown)})"


def _ratio_note(scheduler: str, name: str, value: object) -> str:
    """A note when a step count is a float between 0 and 1, as a warmup ratio (0.1) would be."""
    if isinstance(value, float) and 0 < value < 1:
        return f"{scheduler}: {name}={describe(value)} counts steps: a ratio given where steps are expected?"
    return ""


def _evaluate(
    value: Value, registry: Mapping[str, Mapping[str, Scheduler]], notes: list[str], within: str
) -> object:
    """Arguments as the framework function receives them: nested calls constructed first, their
    names looked up in ``within`` (the framework of the call they are in) first."""
    if isinstance(value, Call):
        return _construct(value, registry, notes, within)
    if isinstance(value, list):
        return [_evaluate(item, registry, notes, within) for item in value]
    if isinstance(value, tuple):
        return tuple(_evaluate(item, registry, notes, within) for item in value)
    if isinstance(value, dict):
        return {key: _evaluate(item, registry, notes, within) for key, item in value.items()}
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


def _resolve(
    dotted: str, registry: Mapping[str, Mapping[str, Scheduler]], within: str | None = None
) -> tuple[str, Scheduler]:
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
    if len(found) > 1 and not module:  # a bare name: the enclosing call's framework's, else the core one's
        found = (
            [pair for pair in found if pair[0] == within]
            or [pair for pair in found if pair[0] in CORE]
            or found
        )
    if len(found) == 1:
        return found[0]
    if found:
        options = " or ".join(f"{FRAMEWORKS[framework].prefixes[0]}.{name}" for framework, _ in found)
        raise DialectError(None, f"`{name}` exists in several frameworks: write {options}")
    refused = _refused()
    for framework in frameworks:
        if name in refused.get(framework, {}):
            raise DialectError(None, refused[framework][name])
    raise DialectError(None, _unknown(name, {f: registry[f] for f in frameworks}, refused))


def _is_tail(module: str, prefix: str) -> bool:
    return prefix == module or prefix.endswith(f".{module}")


def _unknown(
    name: str, registry: Mapping[str, Mapping[str, Scheduler]], refused: Mapping[str, Mapping[str, str]]
) -> str:
    names = {known.lower(): known for schedulers in registry.values() for known in schedulers}
    close = [names[n] for n in difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.6)]
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    metric = {known.lower(): known for names in refused.values() for known in names}
    near = [metric[n] for n in difflib.get_close_matches(name.lower(), metric, n=1, cutoff=0.8)]
    if near and not close:
        hint = f" ({near[0]} follows a metric: use `lrsched plateau`)"
    listing = "; ".join(
        f"{framework}: {', '.join(sorted(schedulers))}" for framework, schedulers in registry.items()
    )
    return f"unknown scheduler `{name}`{hint}. Supported: {listing}"
