"""Catalogue B against the real frameworks: onecycle and cyclic (PyTorch), inverse-sqrt and wsd
(Hugging Face), plateau (PyTorch ReduceLROnPlateau on the metric files in tests/parity/metrics)."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from catalogue_cases._frameworks import Run, torch, transformers

METRICS = Path("tests/parity/metrics")
"""Metric files, relative to the repository root, where the parity test runs lrsched."""
ROOT = Path(__file__).resolve().parent.parent.parent


def _sgd(lr: float) -> Any:
    import torch as t  # type: ignore[import-not-found]

    return t.optim.SGD([t.nn.Parameter(t.zeros(1))], lr=lr)


def torch_to_the_end(make: Callable[[Any, Any], Any], rows: int) -> Run:
    """Like `torch`, but without the step after the last row: OneCycleLR raises one step past
    total_steps, and its last legal step (t == total_steps) is a row lrsched shows."""

    def rates() -> list[float]:
        import torch.optim.lr_scheduler as schedulers  # type: ignore[import-not-found]

        optimizer = _sgd(1.0)
        scheduler = make(optimizer, schedulers)
        values = [float(optimizer.param_groups[0]["lr"])]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(rows - 1):
                optimizer.step()
                scheduler.step()
                values.append(float(optimizer.param_groups[0]["lr"]))
        return values

    return Run("torch", rates)


def _read_metrics(name: str, column: str | None) -> list[float]:
    with open(ROOT / METRICS / name, newline="", encoding="utf-8") as file:
        if column is None:
            return [float(line) for line in file if line.strip()]
        return [float(row[column]) for row in csv.DictReader(file)]


def plateau(
    name: str, rows: int, lr: float, *, column: str | None = None, per_epoch: int = 1, **kw: Any
) -> Run:
    """ReduceLROnPlateau(**kw) stepped once per epoch with that epoch's metric: row k is the rate
    after the metrics of epochs 1..k-1. Each epoch's rate repeated ``per_epoch`` times."""

    def rates() -> list[float]:
        import torch.optim.lr_scheduler as schedulers

        metrics = _read_metrics(name, column)
        optimizer = _sgd(lr)
        scheduler = schedulers.ReduceLROnPlateau(optimizer, **kw)
        values = []
        for epoch in range(rows):
            values += [float(optimizer.param_groups[0]["lr"])] * per_epoch
            if epoch < len(metrics):
                optimizer.step()
                scheduler.step(metrics[epoch])
        return values

    return Run("torch", rates)


def _metrics(name: str) -> str:
    return str(METRICS / name)


ONECYCLE = [
    (
        "onecycle --max-lr 0.1 --total-steps 100",
        lambda o, S: S.OneCycleLR(o, 0.1, total_steps=100),
        100,
    ),
    # t == total_steps: PyTorch's extrapolated value, the one extra row it allows
    (
        "onecycle --max-lr 0.1 --total-steps 100 -n 101",
        lambda o, S: S.OneCycleLR(o, 0.1, 100),
        101,
    ),
    ("onecycle --max-lr 0.01 -n 50", lambda o, S: S.OneCycleLR(o, 0.01, 50), 50),
    (
        "onecycle --max-lr 0.1 --total-steps 40 --anneal-strategy linear -n 41",
        lambda o, S: S.OneCycleLR(o, 0.1, 40, anneal_strategy="linear"),
        41,
    ),
    (
        "onecycle --max-lr 0.1 --total-steps 60 --three-phase -n 61",
        lambda o, S: S.OneCycleLR(o, 0.1, 60, three_phase=True),
        61,
    ),
    (
        "onecycle --max-lr 0.3 --total-steps 37 --three-phase --anneal-strategy linear"
        " --pct-start 0.25 --div-factor 10 --final-div-factor 100 -n 38",
        lambda o, S: S.OneCycleLR(
            o,
            0.3,
            37,
            pct_start=0.25,
            anneal_strategy="linear",
            div_factor=10.0,
            final_div_factor=100.0,
            three_phase=True,
        ),
        38,
    ),
    # float phase ends: 0.45 * 7 - 1 = 2.15; and a first phase that ends before t = 0 (0.3 * 3 - 1)
    (
        "onecycle --max-lr 0.1 --total-steps 7 --pct-start 0.45 -n 8",
        lambda o, S: S.OneCycleLR(o, 0.1, 7, pct_start=0.45),
        8,
    ),
    (
        "onecycle --max-lr 0.1 --total-steps 3 -n 4",
        lambda o, S: S.OneCycleLR(o, 0.1, 3),
        4,
    ),
    (
        "onecycle --max-lr 0.1 --total-steps 40 --steps-per-epoch 4",
        lambda o, S: S.OneCycleLR(o, 0.1, epochs=10, steps_per_epoch=4),
        40,
    ),
]

CYCLIC: list[tuple[str, dict[str, Any], int]] = [
    ("cyclic --base-lr 0.001 --max-lr 0.006 -n 30", {}, 30),  # PyTorch's 2000-step ramp
    ("cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 5", {"step_size_up": 5}, 11),  # one cycle
    (
        "cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 3 --step-size-down 7 -n 40",
        {"step_size_up": 3, "step_size_down": 7},
        40,
    ),
    (
        "cyclic --base-lr 0.01 --max-lr 0.1 --step-size-up 4 --step-size-down 2 --mode triangular2 -n 50",
        {"step_size_up": 4, "step_size_down": 2, "mode": "triangular2"},
        50,
    ),
    (
        "cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 5 --mode exp_range --gamma 0.97 -n 60",
        {"step_size_up": 5, "mode": "exp_range", "gamma": 0.97},
        60,
    ),
    (
        "cyclic --base-lr 0 --max-lr 0.1 --step-size-up 2 --step-size-down 6 --mode exp_range"
        " --gamma 0.9 -n 40",
        {"step_size_up": 2, "step_size_down": 6, "mode": "exp_range", "gamma": 0.9},
        40,
    ),
    (
        "cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 2 --step-size-down 3 --steps-per-epoch 4 -n 10",
        {"step_size_up": 8, "step_size_down": 12},
        40,
    ),
]


INVERSE_SQRT: list[tuple[str, int, int | None, int]] = [  # (argv, num_warmup_steps, timescale, rows)
    ("inverse-sqrt --lr 0.001 -n 50", 0, None, 50),
    ("inverse-sqrt --lr 0.001 --warmup 10 -n 60", 10, None, 60),
    ("inverse-sqrt --lr 0.001 --warmup 5 --timescale 20 -n 40", 5, 20, 40),
    ("inverse-sqrt --lr 0.002 --timescale 7 -n 30", 0, 7, 30),
    ("inverse-sqrt --lr 0.001 --warmup 2 --steps-per-epoch 3 -n 10", 6, None, 30),
]

WSD: list[tuple[str, dict[str, Any], int]] = [  # (argv, get_wsd_schedule keywords, rows)
    (
        "wsd --lr 0.001 --warmup 5 --stable-steps 10 --decay-steps 10",
        {"num_warmup_steps": 5, "num_stable_steps": 10, "num_decay_steps": 10},
        25,
    ),
    (
        "wsd --lr 0.001 --warmup 4 --stable-steps 6 --decay-steps 8 --decay-type linear -n 22",
        {"num_warmup_steps": 4, "num_stable_steps": 6, "num_decay_steps": 8, "decay_type": "linear"},
        22,
    ),
    (
        "wsd --lr 0.001 --warmup 3 --stable-steps 5 --decay-steps 9 --decay-type 1-sqrt -n 20",
        {"num_warmup_steps": 3, "num_stable_steps": 5, "num_decay_steps": 9, "decay_type": "1-sqrt"},
        20,
    ),
    # HF's warmup starts from min_lr: --warmup-start-lr says so to lrsched
    (
        "wsd --lr 0.001 --warmup 5 --warmup-start-lr 0.0001 --min-lr 0.0001 --stable-steps 5"
        " --decay-steps 10 -n 25",
        {"num_warmup_steps": 5, "num_stable_steps": 5, "num_decay_steps": 10, "min_lr_ratio": 0.0001 / 0.001},
        25,
    ),
    (
        "wsd --lr 0.001 --stable-steps 0 --decay-steps 10 --min-lr 0.0002 --decay-type linear -n 14",
        {
            "num_warmup_steps": 0,
            "num_stable_steps": 0,
            "num_decay_steps": 10,
            "decay_type": "linear",
            "min_lr_ratio": 0.0002 / 0.001,
        },
        14,
    ),
    (
        "wsd --lr 0.001 --warmup 2 --stable-steps 15 --decay-steps 20 --steps-per-epoch 5",
        {"num_warmup_steps": 10, "num_stable_steps": 15, "num_decay_steps": 20},
        45,
    ),
]

PLATEAU: list[
    tuple[str, str, str | None, dict[str, Any], int, int]
] = [  # (options after --lr 0.1 --metrics FILE, file, column, torch keywords, rows, steps per epoch)
    ("", "loss.txt", None, {}, 24, 1),
    ("--patience 1", "loss.txt", None, {"patience": 1}, 24, 1),
    (
        "--patience 1 --threshold-mode abs --threshold 0.01 -n 25",
        "loss.txt",
        None,
        {"patience": 1, "threshold_mode": "abs", "threshold": 0.01},
        25,
        1,
    ),
    (
        "--patience 0 --cooldown 2 --factor 0.5",
        "loss.txt",
        None,
        {"patience": 0, "cooldown": 2, "factor": 0.5},
        24,
        1,
    ),
    (
        "--patience 0 --factor 0.5 --min-lr 0.02",
        "loss.txt",
        None,
        {"patience": 0, "factor": 0.5, "min_lr": 0.02},
        24,
        1,
    ),
    (
        "--patience 0 --factor 0.5 --eps 0.01 -n 21",
        "flat.txt",
        None,
        {"patience": 0, "factor": 0.5, "eps": 0.01},
        21,
        1,
    ),
    (
        "--column acc --mode max --patience 1 --threshold 0.001",
        "log.csv",
        "acc",
        {"mode": "max", "patience": 1, "threshold": 0.001},
        16,
        1,
    ),
    (
        "--column acc --mode max --threshold-mode abs --threshold 0.005 --patience 1 --cooldown 1 -n 17",
        "log.csv",
        "acc",
        {"mode": "max", "threshold_mode": "abs", "threshold": 0.005, "patience": 1, "cooldown": 1},
        17,
        1,
    ),
    ("--column loss --patience 2", "log.csv", "loss", {"patience": 2}, 16, 1),
    ("--patience 1 --steps-per-epoch 3", "loss.txt", None, {"patience": 1}, 24, 3),
]


def _value(argv: list[str], option: str) -> float:
    return float(argv[argv.index(option) + 1])


def _inverse_sqrt(argv: list[str], warmup: int, timescale: int | None, rows: int) -> Run:
    schedule = lambda o, hf: hf.get_inverse_sqrt_schedule(o, warmup, timescale=timescale)  # noqa: E731
    return transformers(schedule, rows, lr=_value(argv, "--lr"))


def _wsd(argv: list[str], kw: dict[str, Any], rows: int) -> Run:
    return transformers(lambda o, hf: hf.get_wsd_schedule(o, **kw), rows, lr=_value(argv, "--lr"))


def _cyclic(argv: list[str], kw: dict[str, Any], rows: int) -> Run:
    base, peak = _value(argv, "--base-lr"), _value(argv, "--max-lr")
    return torch(lambda o, S: S.CyclicLR(o, base, peak, **kw), rows, lr=1.0)


CASES = (
    [(argv.split(), torch_to_the_end(make, rows)) for argv, make, rows in ONECYCLE]
    + [(argv.split(), _cyclic(argv.split(), kw, rows)) for argv, kw, rows in CYCLIC]
    + [(argv.split(), _inverse_sqrt(argv.split(), w, s, rows)) for argv, w, s, rows in INVERSE_SQRT]
    + [(argv.split(), _wsd(argv.split(), kw, rows)) for argv, kw, rows in WSD]
    + [
        (
            ["plateau", "--lr", "0.1", "--metrics", _metrics(name), *options.split()],
            plateau(name, rows, 0.1, column=column, per_epoch=k, **kw),
        )
        for options, name, column, kw, rows, k in PLATEAU
    ]
)
