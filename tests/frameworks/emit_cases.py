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
    "exponential --lr 0.1 --decay-rate 0.3 --decay-steps 6 --staircase --steps-per-epoch 2": (
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
    # the most rows Keras's float32 step / first_decay_steps keeps within 1e-6 (row 43 is refused)
    "cosine-restarts --lr 0.578011 --t-0 5 -n 42": ALL,
    # the catalogue
    "multistep --lr 0.1 -n 100": ("torch", "keras", "optax"),
    "multistep --lr 0.1 --milestones 0,3,3,7 --gamma 0.5 -n 12": ("torch", "keras", "optax"),
    "multistep --lr 0.1 --milestones 3,6 --warmup 2 --warmup-start-lr 0.01 --steps-per-epoch 2 -n 30": (
        "torch",
        "optax",
    ),
    "multistep --lr 0.1 --milestones 0,2 --gamma 0 --warmup 3 -n 8": ("torch", "optax"),
    "constant --lr 0.1 -n 10": ("torch", "keras", "optax"),
    "constant --lr 0.1 --factor 0.5 --total-iters 3 --warmup 2 -n 30": ("torch", "optax"),
    "constant --lr 0.1 --factor 1 --total-iters 3 --warmup 2 -n 30": ("torch", "optax", "hf", "timm"),
    "linear --lr 0.1 -n 10": ("torch", "keras", "optax"),
    "linear --lr 0.1 --start-factor 1 --end-factor 0.01 --total-iters 20 -n 25": (
        "torch",
        "keras",
        "optax",
        "timm",
    ),
    "linear --lr 0.1 --start-factor 1 --end-factor 0 --total-iters 8 --warmup 2 -n 14": (
        "torch",
        "optax",
        "hf",
        "timm",
    ),
    "polynomial --lr 0.1 --power 2": ALL,
    "polynomial --lr 0.1 --total-iters 20 --min-lr 0.001 -n 25": ("keras", "optax", "hf", "timm"),
    "polynomial --lr 0.1 --total-iters 6 --power 0.5 --warmup 3 -n 12": ("torch", "optax", "hf", "timm"),
    "piecewise": ("keras", "optax"),
    "piecewise --boundaries 5,15 --values 0.05,0.1,0.01 --warmup 3 -n 30": ("optax",),
    "inverse-time --lr 0.1 --decay-rate 0.5": ("keras",),
    "inverse-time --lr 0.1 --decay-rate 1 --decay-steps 10 --staircase": ("keras",),
    "onecycle --max-lr 0.1 --total-steps 30": ("torch", "optax"),
    "onecycle --max-lr 0.1 --total-steps 20 --three-phase --pct-start 0.25": ("torch", "optax"),
    "onecycle --max-lr 0.1 --total-steps 40 --anneal-strategy linear --div-factor 10": ("torch", "optax"),
    "onecycle --max-lr 0.1 --total-steps 25 --three-phase --anneal-strategy linear -n 26": ("torch",),
    "cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 4 -n 30": ("torch",),
    "cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 3 --step-size-down 5 --mode triangular2 -n 30": (
        "torch",
    ),
    "cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 3 --mode exp_range --gamma 0.9 -n 30": ("torch",),
    "inverse-sqrt --lr 0.1 --timescale 5": ("hf",),
    "inverse-sqrt --lr 0.1 --warmup 4": ("hf",),
    "wsd --lr 0.1 --stable-steps 5 --decay-steps 10": ("hf",),
    "wsd --lr 0.1 --stable-steps 5 --decay-steps 6 --min-lr 0.01 --warmup 3 --warmup-start-lr 0.01 "
    "--decay-type 1-sqrt": ("hf",),
    "wsd --lr 0.1 --stable-steps 2 --decay-steps 6 --decay-type linear --warmup 2": ("hf",),
}
