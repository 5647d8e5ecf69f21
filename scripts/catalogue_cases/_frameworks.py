"""How a case runs a real framework: each helper returns a `Run` for one case's CASES entry.

Case modules import no framework themselves: every ``make`` gets the framework's module (and,
for the torch-stepped ones, a fresh optimizer), so listing the cases stays cheap and a helper is
the one place that knows how its framework is stepped.

- torch, transformers: the optimizer's ``lr`` is read, then ``optimizer.step()``, ``scheduler.step()``;
- timm: ``scheduler.step(t)``, then the rate it set (timm's train.py steps with the epoch);
- keras, optax: ``schedule(t)``, the value their optimizers use at iteration/count t (float32).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

FLOAT64 = 1e-9
FLOAT32 = 1e-6
"""Relative tolerances: float64 frameworks to 1e-9, float32 ones (Keras, optax) to 1e-6."""


@dataclass(frozen=True)
class Run:
    """One framework run: its rates for t = 0 .. rows-1, and how closely lrsched must match."""

    framework: str
    rates: Callable[[], list[float]]
    rtol: float = FLOAT64

    def __call__(self) -> list[float]:
        return self.rates()


def _stepped(scheduler: Any, optimizer: Any, rows: int) -> list[float]:
    rates = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(rows):
            rates.append(float(optimizer.param_groups[0]["lr"]))
            optimizer.step()
            scheduler.step()
    return rates


def _optimizer(lr: float) -> Any:
    import torch  # type: ignore[import-not-found,unused-ignore]

    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def torch(make: Callable[[Any, Any], Any], rows: int, lr: float) -> Run:
    """``make(optimizer, torch.optim.lr_scheduler)`` -> a scheduler, stepped once per row."""

    def rates() -> list[float]:
        import torch.optim.lr_scheduler as schedulers  # type: ignore[import-not-found,unused-ignore]

        optimizer = _optimizer(lr)
        return _stepped(make(optimizer, schedulers), optimizer, rows)

    return Run("torch", rates)


def transformers(make: Callable[[Any, Any], Any], rows: int, lr: float) -> Run:
    """``make(optimizer, transformers)`` -> a scheduler (get_*_schedule*), stepped once per row."""

    def rates() -> list[float]:
        import transformers as hf  # type: ignore[import-not-found,unused-ignore]

        optimizer = _optimizer(lr)
        return _stepped(make(optimizer, hf), optimizer, rows)

    return Run("transformers", rates)


def _timm_scheduler() -> Any:
    """timm.scheduler without timm/__init__.py, which needs torchvision (see refenv.sh)."""
    if "timm" not in sys.modules:
        spec = importlib.util.find_spec("timm")
        assert spec is not None and spec.origin is not None
        package = types.ModuleType("timm")
        package.__path__ = [os.path.dirname(spec.origin)]
        sys.modules["timm"] = package
    import timm.scheduler  # type: ignore[import-not-found,unused-ignore]

    return timm.scheduler


def timm(make: Callable[[Any, Any], Any], rows: int, lr: float) -> Run:
    """``make(optimizer, timm.scheduler)`` -> a scheduler; ``step(t)`` then its rate, per row."""

    def rates() -> list[float]:
        optimizer = _optimizer(lr)
        scheduler = make(optimizer, _timm_scheduler())
        values = []
        for t in range(rows):
            scheduler.step(t)
            values.append(float(optimizer.param_groups[0]["lr"]))
        return values

    return Run("timm", rates)


def keras(make: Callable[[Any], Any], rows: int) -> Run:
    """``make(keras.optimizers.schedules)`` -> a schedule, called at t = 0 .. rows-1 (float32)."""

    def rates() -> list[float]:
        import keras as k  # type: ignore[import-not-found,unused-ignore]

        schedule = make(k.optimizers.schedules)
        return [float(k.ops.convert_to_numpy(schedule(t))) for t in range(rows)]

    return Run("keras", rates, FLOAT32)


def optax(make: Callable[[Any], Any], rows: int) -> Run:
    """``make(optax)`` -> a schedule, called at count = 0 .. rows-1 (float32)."""

    def rates() -> list[float]:
        import optax as o  # type: ignore[import-not-found,unused-ignore]

        schedule = make(o)
        return [float(schedule(t)) for t in range(rows)]

    return Run("optax", rates, FLOAT32)


def mmengine(make: Callable[[Any, Any], list[Any]], epochs: int, steps_per_epoch: int, lr: float) -> Run:
    """``make(optim_wrapper, mmengine.optim.scheduler)`` -> its param schedulers, stepped as
    MMEngine's ParamSchedulerHook steps them: those with ``by_epoch=False`` after every
    iteration, the others after every epoch; a row is the rate each iteration's update applies."""

    def rates() -> list[float]:
        import mmengine.optim as optim  # type: ignore[import-not-found,unused-ignore]
        import mmengine.optim.scheduler as schedulers  # type: ignore[import-not-found,unused-ignore]

        optimizer = _optimizer(lr)
        made = make(optim.OptimWrapper(optimizer), schedulers)
        values = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(epochs):
                for _ in range(steps_per_epoch):
                    values.append(float(optimizer.param_groups[0]["lr"]))
                    optimizer.step()
                    for scheduler in made:
                        if not scheduler.by_epoch:
                            scheduler.step()
                for scheduler in made:
                    if scheduler.by_epoch:
                        scheduler.step()
        return values

    return Run("mmengine", rates)


def detectron2(make: Callable[[Any, Any], Any], rows: int, lr: float) -> Run:
    """``make(fvcore.common.param_scheduler, WarmupParamScheduler)`` -> a multiplier, run by
    Detectron2's LRMultiplier (max_iter = rows) and stepped once per iteration, as its
    LRScheduler hook does. Detectron2 is not installed: its solver/lr_scheduler.py (which needs
    only torch and fvcore) is loaded from the checkout named by DETECTRON2_SRC."""

    def rates() -> list[float]:
        source = os.environ.get("DETECTRON2_SRC")
        if not source:
            raise ModuleNotFoundError("DETECTRON2_SRC names no detectron2 checkout", name="detectron2")
        path = os.path.join(source, "detectron2", "solver", "lr_scheduler.py")
        spec = importlib.util.spec_from_file_location("detectron2_lr_scheduler", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        import fvcore.common.param_scheduler as fvcore  # type: ignore[import-not-found,unused-ignore]

        optimizer = _optimizer(lr)
        scheduler = module.LRMultiplier(optimizer, make(fvcore, module.WarmupParamScheduler), max_iter=rows)
        return _stepped(scheduler, optimizer, rows)

    return Run("detectron2", rates)
