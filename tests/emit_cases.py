"""Schedules `--emit` is checked on: each lrsched command line, and the frameworks that emit it.

Shared by the round-trip tests (`test_emit.py`) and by `scripts/gen_emit_goldens.py`, which runs
every emitted expression in the real framework. A framework not listed must refuse (exit 2).
"""

from __future__ import annotations

ALL = ("torch", "keras", "optax", "hf", "timm")

CASES: dict[str, tuple[str, ...]] = {
    # step, and exponential decay by a factor per step or per --decay-steps, in steps or not
    "step --lr 0.1 --step-size 3": ("torch", "keras", "optax", "timm"),
    "step --lr 0.1 --step-size 3 --gamma 0.5 --warmup 4": ("torch", "optax", "timm"),
    "step --lr 0.1 --step-size 2 --warmup 3 --warmup-start-lr 0.01 --steps-per-epoch 2 -n 12": (
        "torch",
        "optax",
        "timm",
    ),
    "exponential --lr 0.1 --decay-rate 0.05": ("torch", "keras", "optax", "timm"),
    "exponential --lr 0.1 --gamma 0.9 --warmup 2": ("torch", "optax", "timm"),
    "exponential --lr 0.1 --gamma 0.5 --decay-steps 4": ("torch", "keras", "optax", "timm"),
    "exponential --lr 0.1 --gamma 0.5 --decay-steps 4 --staircase": ("torch", "keras", "optax", "timm"),
    "exponential --lr 0.1 --decay-rate 0.3 --decay-steps 3 --staircase --steps-per-epoch 2": (
        "torch",
        "keras",
        "optax",
        "timm",
    ),
    # cosine: torch and transformers climb back past t_max, the others clamp there
    "cosine --lr 0.1": ALL,
    "cosine --lr 0.1 --min-lr 0.001 --warmup 5": ALL,
    "cosine --lr 0.1 --t-max 10 -n 25": ("torch", "hf"),
    "cosine --lr 0.1 --t-max 8 --warmup 2 --warmup-start-lr 0.02 --steps-per-epoch 3": (
        "torch",
        "keras",
        "optax",
        "timm",
    ),
    "cosine --lr 0.05 --min-lr 0.005 --warmup 1 -n 12": ALL,
    # restarts: equal or growing periods, a peak that decays, a floor
    "cosine-restarts --lr 0.1 --t-0 5": ALL,
    "cosine-restarts --lr 0.1 --t-0 5 --t-mult 2 -n 40": ("torch", "keras", "optax", "timm"),
    "cosine-restarts --lr 0.1 --t-0 4 --decay 0.5 --min-lr 0.01": ("keras", "optax"),
    "cosine-restarts --lr 0.1 --t-0 4 --decay 0.5": ("keras", "optax", "timm"),
    "cosine-restarts --lr 0.1 --t-0 3 --t-mult 3 --min-lr 0.001 --warmup 2 -n 50": ("torch", "optax", "timm"),
    "cosine-restarts --lr 0.1 --t-0 4 --warmup 2 --steps-per-epoch 2": ("torch", "optax", "hf", "timm"),
}
