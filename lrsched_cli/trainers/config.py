"""A trainer's config, read without executing anything: JSON or YAML text, ``--set`` overrides,
and typed access that names the key at fault.

YAML is read with PyYAML's safe loader (plain data: no tags that build objects), imported only
when a config is YAML. A config is a mapping; keys are the trainer's own names, dotted for
nesting (``trainer.max_epochs``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lrsched_cli.errors import LrschedError
from lrsched_cli.trainers.base import ConfigError

MISSING: Any = object()


def parse(text: str, source: str) -> dict[str, Any]:
    """The mapping a config file holds: JSON when it reads as JSON, else YAML (of which JSON is
    nearly a subset). Empty text is an empty mapping."""
    if "\0" in text:
        raise LrschedError("config", f"{source}: a binary file, not a JSON or YAML config")
    if not text.strip():
        return {}
    value: Any = MISSING
    if text.lstrip().startswith(("{", "[")):
        import json
        from contextlib import suppress

        with suppress(json.JSONDecodeError):  # else YAML's flow style, or malformed: YAML says which
            value = json.loads(text)
    if value is MISSING:
        value = _yaml(text, source)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LrschedError("config", f"{source}: a config is a mapping of keys to values, got {_kind(value)}")
    return _keys_as_text(value, source)


def _yaml(text: str, source: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader: plain data only
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise LrschedError("config", f"{source}{where}: not valid YAML or JSON ({problem})") from None


def _keys_as_text(mapping: dict[Any, Any], source: str) -> dict[str, Any]:
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise LrschedError("config", f"{source}: keys are names, got {key!r}")
        if isinstance(value, dict):
            _keys_as_text(value, source)
    return mapping


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"[:80]


def scalar(text: str) -> Any:
    """A ``--set`` value as YAML reads a scalar or a flow list (``0.1``, ``true``, ``[30, 60]``)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader: plain data only
    except yaml.YAMLError:
        return text  # as YAML would read it unquoted, had it parsed: a string


def override(config: dict[str, Any], assignments: Sequence[str]) -> tuple[dict[str, Any], set[str]]:
    """The config with each ``KEY=VALUE`` applied in order (dotted keys nest), and the keys set."""
    merged = _copy(config)
    keys = set()
    for assignment in assignments:
        key, equals, text = assignment.partition("=")
        key = key.strip()
        if not equals or not key or any(not part for part in key.split(".")):
            raise LrschedError("set", f"expected KEY=VALUE (KEY dotted for nesting), got {assignment!r}")
        *parents, last = key.split(".")
        node = merged
        for depth, part in enumerate(parents):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            elif not isinstance(child, dict):
                where = ".".join(parents[: depth + 1])
                raise LrschedError("set", f"{key}: {where} is {child!r}, not a mapping")
            node = child
        node[last] = scalar(text)
        keys.add(key)
    return merged, keys


def _copy(config: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _copy(value) if isinstance(value, dict) else value for key, value in config.items()}


class Settings:
    """Typed reads of a config's keys, each recorded with its default (the JSON ``config``).

    A value of the wrong type is a `ConfigError` naming the key. ``prefix`` reads a nested
    mapping under dotted names (``trainer.``).
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.resolved: dict[str, Any] = {}

    def given(self, key: str) -> bool:
        return self._lookup(key) is not MISSING

    def _lookup(self, key: str) -> Any:
        node: Any = self.values
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return MISSING
            node = node[part]
        return node

    def raw(self, key: str, default: Any) -> Any:
        value = self._lookup(key)
        value = default if value is MISSING else value
        self.resolved[key] = value
        return value

    def integer(self, key: str, default: Any, *, minimum: int | None = None) -> Any:
        """An int (``None`` only when that is the default); digits in a string count."""
        value = self.raw(key, default)
        if value is None and default is None:
            return None
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"expected an integer, got {_shown(value)}")
        if minimum is not None and value < minimum:
            raise ConfigError(key, f"expected an integer >= {minimum}, got {value}")
        self.resolved[key] = value
        return value

    def number(self, key: str, default: Any, *, minimum: float | None = None) -> Any:
        """An int or float (``None`` only when that is the default). A string that reads as a
        number counts: YAML 1.1 reads ``2e-5`` as a string, and trainers' parsers convert it."""
        value = self.raw(key, default)
        if value is None and default is None:
            return None
        if isinstance(value, str):
            try:
                value = int(value) if value.strip().lstrip("+-").isdigit() else float(value)
            except ValueError:
                raise ConfigError(key, f"expected a number, got {_shown(value)}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, f"expected a number, got {_shown(value)}")
        if not math.isfinite(value):
            raise ConfigError(key, f"expected a finite number, got {value}")
        if minimum is not None and value < minimum:
            raise ConfigError(key, f"expected a number >= {minimum:g}, got {value:g}")
        self.resolved[key] = value
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        if not isinstance(value, bool):
            raise ConfigError(key, f"expected true or false, got {_shown(value)}")
        self.resolved[key] = value
        return value

    def text(self, key: str, default: Any, *, choices: Iterable[str] | None = None) -> Any:
        value = self.raw(key, default)
        if value is None and default is None:
            return None
        if not isinstance(value, str):
            raise ConfigError(key, f"expected a string, got {_shown(value)}")
        if choices is not None and value not in choices:
            options = list(choices)
            raise ConfigError(
                key, f"{value!r} is not one of {', '.join(map(repr, options))}{hint(value, options)}"
            )
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        """A nested mapping (``{}`` when absent or null)."""
        value = self.raw(key, None)
        if value is None:
            self.resolved[key] = {}
            return {}
        if not isinstance(value, dict):
            raise ConfigError(key, f"expected a mapping, got {_shown(value)}")
        return value


def unknown_keys(values: Mapping[str, Any], known: Iterable[str], what: str, prefix: str = "") -> None:
    """Refuse a key the trainer does not have, naming the closest ones it does."""
    names = list(known)
    for key in values:
        if key not in names:
            raise ConfigError(f"{prefix}{key}", f"not {what}{hint(key, names)}")


def hint(name: str, names: Iterable[str]) -> str:
    """`` (did you mean 'x' or 'y'?)``, or nothing when no name is close."""
    import difflib  # only for an error

    close = difflib.get_close_matches(name, list(names), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:80] + "..."
