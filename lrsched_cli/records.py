"""`Record`: an immutable value with named fields, for the values lrsched passes between layers.

A record class lists its fields as annotations, in order; a field given a value in the class
body has that default. Records compare, hash and print by their fields, and ``_replace`` copies
one with some fields changed, as a NamedTuple does; unlike a tuple, a record is not a sequence.

Why not a NamedTuple or a dataclass: defining a class is start-up work. A NamedTuple costs about
0.1 ms (``collections.namedtuple`` compiles its constructor), a frozen dataclass about 0.4 ms; a
record class a few microseconds. A plain ``lrsched step`` defines six records at every start.

`Folders` is a table of records, one per folder of a package, each imported when asked for.
"""

import importlib
import inspect
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Self, TypeVar, dataclass_transform

R = TypeVar("R")


@dataclass_transform(frozen_default=True)
class Record:
    """The base of every record (see the module's docstring)."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _field_defaults: ClassVar[dict[str, Any]] = {}
    _field_set: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls) -> None:
        own = tuple(inspect.get_annotations(cls))
        cls._fields = (*cls._fields, *(name for name in own if name not in cls._fields))
        cls._field_defaults = {
            **cls._field_defaults,
            **{name: cls.__dict__[name] for name in own if name in cls.__dict__},
        }
        cls._field_set = frozenset(cls._fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields, values = self._fields, self.__dict__
        values.update(self._field_defaults)
        values.update(zip(fields, args))
        values.update(kwargs)
        if (
            len(args) > len(fields)
            or values.keys() != self._field_set
            or (args and kwargs and not kwargs.keys().isdisjoint(fields[: len(args)]))
        ):
            values.clear()
            raise TypeError(self._wrong(args, kwargs))

    @classmethod
    def _wrong(cls, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        """What is wrong with these arguments for this record, as Python says it of a call."""
        if len(args) > len(cls._fields):
            return f"{cls.__name__} takes {len(cls._fields)} fields, got {len(args)}"
        unknown = [name for name in kwargs if name not in cls._field_set]
        if unknown:
            return f"{cls.__name__} has no field {unknown[0]!r}"
        twice = [name for name in cls._fields[: len(args)] if name in kwargs]
        if twice:
            return f"{cls.__name__} got {twice[0]!r} twice"
        given = {*cls._fields[: len(args)], *kwargs, *cls._field_defaults}
        return f"{cls.__name__} is missing {', '.join(name for name in cls._fields if name not in given)}"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: use _replace")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _replace(self, **changes: Any) -> Self:
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__, **changes)
        return copy

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__[name] for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"


class Folders(Mapping[str, R]):
    """The records of a package's folders, by folder name, in the order given: each one the
    folder's ``attribute``, imported when it is asked for, so that a run loads the records it
    uses only (the frameworks' and trainers' tables)."""

    def __init__(self, package: str, names: tuple[str, ...], attribute: str) -> None:
        self._package, self._names, self._attribute = package, names, attribute

    def __getitem__(self, name: str) -> R:
        if name not in self._names:
            raise KeyError(name)
        record: R = getattr(importlib.import_module(f"{self._package}.{name}"), self._attribute)
        return record

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names
