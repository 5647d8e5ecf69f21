"""fairseq's schedule configs (the ``...LRScheduleConfig`` dataclasses): each a function with the
dataclass's fields and defaults, returning a `Config` that a schedule reads (`fields_of`).

Source read: facebookresearch/fairseq ``3d262bb2`` fairseq/optim/lr_scheduler/
{inverse_square_root_schedule,cosine_lr_scheduler,polynomial_decay_schedule,tri_stage_lr_scheduler,
fixed_schedule,step_lr_scheduler}.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe

FRAMEWORK = "fairseq"

UNSET: Any = None
"""A field fairseq fills by interpolation (``II("optimization.lr")``), not given in the call: None,
which JSON holds (fairseq itself has no None for these fields)."""


class Config(Reproduction):
    """A fairseq ``...LRScheduleConfig``: its fields, as given or defaulted."""

    fields: Mapping[str, Any] = MappingProxyType({})


def _not_a_schedule(name: str) -> Callable[[float | None], Iterator[float]]:
    def rates(lr: float | None) -> Iterator[float]:
        raise DialectError(
            None,
            f"{name}(...) is a config, not a schedule: build the schedule with it, "
            f"SCHEDULE({name}(...), optimizer)",
        )
        yield 0.0  # pragma: no cover - a generator

    return rates


def _config(name: str, values: dict[str, Any]) -> Config:
    return Config(FRAMEWORK, name, {}, _not_a_schedule(name), needs_lr=False, fields=values)


def fields_of(cfg: object, expected: str) -> dict[str, Any]:
    """The fields of ``cfg``, which must be the ``expected`` config (a schedule's argument)."""
    if not isinstance(cfg, Config) or cfg.scheduler != expected:
        raise DialectError("cfg", f"expected {expected}(...), got {describe(cfg)}")
    return dict(cfg.fields)


# --- the configs: the dataclasses' fields and defaults ------------------------------------------


def InverseSquareRootLRScheduleConfig(
    warmup_updates: int = 4000, warmup_init_lr: float = -1, lr: object = None
) -> Config:
    return _config("InverseSquareRootLRScheduleConfig", dict(locals()))


def CosineLRScheduleConfig(
    warmup_updates: int = 0,
    warmup_init_lr: float = -1,
    lr: object = None,
    min_lr: float = 0.0,
    t_mult: float = 1.0,
    lr_period_updates: float = -1,
    lr_shrink: float = 0.1,
    max_update: object = None,
) -> Config:
    return _config("CosineLRScheduleConfig", dict(locals()))


def PolynomialDecayLRScheduleConfig(
    warmup_updates: int = 0,
    force_anneal: int | None = None,
    end_learning_rate: float = 0.0,
    power: float = 1.0,
    total_num_update: object = None,
    lr: object = None,
) -> Config:
    return _config("PolynomialDecayLRScheduleConfig", dict(locals()))


def TriStageLRScheduleConfig(
    warmup_steps: int = 0,
    hold_steps: int = 0,
    decay_steps: int = 0,
    phase_ratio: object = None,
    init_lr_scale: float = 0.01,
    final_lr_scale: float = 0.01,
    max_update: object = None,
    lr: object = None,
) -> Config:
    return _config("TriStageLRScheduleConfig", dict(locals()))


def FixedLRScheduleConfig(
    force_anneal: int | None = None, lr_shrink: float = 0.1, warmup_updates: int = 0, lr: object = None
) -> Config:
    return _config("FixedLRScheduleConfig", dict(locals()))


def StepLRScheduleConfig(
    warmup_updates: int = 0,
    warmup_init_lr: float = -1,
    lr: object = None,
    min_lr: float = 0.0,
    lr_deacy_period: int = 25000,
    lr_decay: float = 0.5,
) -> Config:
    return _config("StepLRScheduleConfig", dict(locals()))
