"""The tutorial's schedules: step, exponential, cosine, cosine-restarts, with warmup and per step."""

from __future__ import annotations

import math

from catalogue_cases._frameworks import keras, optax, timm, torch, transformers

CASES = [
    # step: PyTorch StepLR; timm StepLRScheduler (its warmup is a prefix, as lrsched's)
    ("step --lr 0.1 --step-size 10", torch(lambda o, S: S.StepLR(o, 10), 30, lr=0.1)),
    (
        "step --lr 0.1 --step-size 3 --gamma 0.5 -n 20",
        torch(lambda o, S: S.StepLR(o, 3, gamma=0.5), 20, lr=0.1),
    ),
    (
        "step --lr 0.05 --step-size 4 --gamma 0.7 --warmup 3 --warmup-start-lr 0.01 -n 20",
        torch(
            lambda o, S: S.SequentialLR(
                o, [S.LinearLR(o, start_factor=0.2, total_iters=3), S.StepLR(o, 4, gamma=0.7)], [3]
            ),
            20,
            lr=0.05,
        ),
    ),
    (
        "step --lr 0.1 --step-size 3 --steps-per-epoch 4 -n 10",
        torch(lambda o, S: S.StepLR(o, 12), 40, lr=0.1),
    ),
    (
        "step --lr 0.1 --step-size 3 --gamma 0.5 --warmup 2 --warmup-start-lr 0.02 --steps-per-epoch 5 -n 12",
        torch(
            lambda o, S: S.SequentialLR(
                o, [S.LinearLR(o, start_factor=0.2, total_iters=10), S.StepLR(o, 15, gamma=0.5)], [10]
            ),
            60,
            lr=0.1,
        ),
    ),
    (
        "step --lr 0.1 --step-size 4 --gamma 0.5 --warmup 3 -n 20",
        timm(lambda o, T: T.StepLRScheduler(o, decay_t=4, decay_rate=0.5, warmup_t=3), 20, lr=0.1),
    ),
    # exponential: PyTorch ExponentialLR (--gamma), Keras ExponentialDecay and optax exponential_decay
    # (--decay-steps, --staircase); the tutorial's --decay-rate k is a gamma of e^-k.
    (
        "exponential --lr 0.1 --gamma 0.95",
        torch(lambda o, S: S.ExponentialLR(o, 0.95), 30, lr=0.1),
    ),
    (
        "exponential --lr 0.1 --decay-rate 0.05 -n 60",
        torch(lambda o, S: S.ExponentialLR(o, math.exp(-0.05)), 60, lr=0.1),
    ),
    (
        "exponential --lr 0.1 --gamma 0.9 --warmup 4 --warmup-start-lr 0.01 -n 20",
        torch(
            lambda o, S: S.SequentialLR(
                o, [S.LinearLR(o, start_factor=0.1, total_iters=4), S.ExponentialLR(o, 0.9)], [4]
            ),
            20,
            lr=0.1,
        ),
    ),
    (
        "exponential --lr 0.1 --gamma 0.9 --steps-per-epoch 4 -n 6",
        torch(lambda o, S: S.ExponentialLR(o, 0.9**0.25), 24, lr=0.1),
    ),
    (
        "exponential --lr 0.1 --gamma 0.5 --decay-steps 10 -n 40",
        keras(lambda K: K.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5), 40),
    ),
    (
        "exponential --lr 0.1 --gamma 0.5 --decay-steps 10 --staircase -n 40",
        keras(lambda K: K.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True), 40),
    ),
    (
        "exponential --lr 0.1 --decay-rate 0.1 --decay-steps 5 -n 30",
        keras(lambda K: K.ExponentialDecay(0.1, decay_steps=5, decay_rate=math.exp(-0.1)), 30),
    ),
    (
        "exponential --lr 0.1 --gamma 0.5 --decay-steps 10 -n 40",
        optax(lambda ox: ox.exponential_decay(0.1, transition_steps=10, decay_rate=0.5), 40),
    ),
    (
        "exponential --lr 0.1 --gamma 0.5 --decay-steps 6 --staircase --steps-per-epoch 3 -n 8",
        optax(lambda ox: ox.exponential_decay(0.1, transition_steps=6, decay_rate=0.5, staircase=True), 24),
    ),
    (
        "exponential --lr 0.1 --gamma 0.5 --decay-steps 10 --staircase --warmup 5 -n 40",
        optax(
            lambda ox: ox.warmup_exponential_decay_schedule(
                0.0, 0.1, warmup_steps=5, transition_steps=10, decay_rate=0.5, staircase=True
            ),
            40,
        ),
    ),
    # cosine: PyTorch CosineAnnealingLR (periodic past t_max); Hugging Face with warmup (periodic
    # too); Keras CosineDecay and optax within t_max (both stay at the floor after it).
    (
        "cosine --lr 0.1 --min-lr 0.001",
        torch(lambda o, S: S.CosineAnnealingLR(o, 30, eta_min=0.001), 30, lr=0.1),
    ),
    (
        "cosine --lr 0.1 --t-max 10 -n 35",
        torch(lambda o, S: S.CosineAnnealingLR(o, 10), 35, lr=0.1),
    ),
    (
        "cosine --lr 0.1 --warmup 5 --warmup-start-lr 0.01 -n 30",
        torch(
            lambda o, S: S.SequentialLR(
                o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, 25)], [5]
            ),
            30,
            lr=0.1,
        ),
    ),
    (
        "cosine --lr 0.1 --t-max 5 --steps-per-epoch 4 -n 6",
        torch(lambda o, S: S.CosineAnnealingLR(o, 20), 24, lr=0.1),
    ),
    (
        "cosine --lr 0.1 --t-max 25 --warmup 5 -n 40",
        transformers(lambda o, T: T.get_cosine_schedule_with_warmup(o, 5, 30), 40, lr=0.1),
    ),
    (
        "cosine --lr 0.1 --warmup 10 -n 100",
        transformers(lambda o, T: T.get_cosine_schedule_with_warmup(o, 10, 100), 100, lr=0.1),
    ),
    (
        "cosine --lr 0.1 --min-lr 0.01 --warmup 3 -n 20",
        transformers(
            lambda o, T: T.get_cosine_with_min_lr_schedule_with_warmup(o, 3, 20, min_lr=0.01), 20, lr=0.1
        ),
    ),
    ("cosine --lr 0.1 --t-max 20 -n 21", keras(lambda K: K.CosineDecay(0.1, 20), 21)),
    (
        "cosine --lr 0.1 --min-lr 0.01 --t-max 20 -n 21",
        keras(lambda K: K.CosineDecay(0.1, 20, alpha=0.1), 21),
    ),
    (
        "cosine --lr 0.1 --t-max 20 --warmup 5 -n 26",
        keras(lambda K: K.CosineDecay(0.0, 20, warmup_target=0.1, warmup_steps=5), 26),
    ),
    (
        "cosine --lr 0.1 --min-lr 0.001 --warmup 5 -n 25",
        optax(lambda ox: ox.warmup_cosine_decay_schedule(0.0, 0.1, 5, 25, end_value=0.001), 25),
    ),
    # cosine-restarts: PyTorch CosineAnnealingWarmRestarts stepped with step(); --decay against
    # Keras CosineDecayRestarts (m_mul) and timm CosineLRScheduler (cycle_decay, lr_min 0).
    (
        "cosine-restarts --lr 0.1 --t-0 10",
        torch(lambda o, S: S.CosineAnnealingWarmRestarts(o, 10), 30, lr=0.1),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 3 --t-mult 2 --min-lr 0.001 -n 50",
        torch(lambda o, S: S.CosineAnnealingWarmRestarts(o, 3, T_mult=2, eta_min=0.001), 50, lr=0.1),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 1 --t-mult 3 -n 130",
        torch(lambda o, S: S.CosineAnnealingWarmRestarts(o, 1, T_mult=3), 130, lr=0.1),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 2 --t-mult 2 --steps-per-epoch 3 -n 14",
        torch(lambda o, S: S.CosineAnnealingWarmRestarts(o, 6, T_mult=2), 42, lr=0.1),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 5 --warmup 3 --warmup-start-lr 0.05 -n 25",
        torch(
            lambda o, S: S.SequentialLR(
                o,
                [S.LinearLR(o, start_factor=0.5, total_iters=3), S.CosineAnnealingWarmRestarts(o, 5)],
                [3],
            ),
            25,
            lr=0.1,
        ),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 5 --t-mult 2 --decay 0.5 -n 80",
        keras(lambda K: K.CosineDecayRestarts(0.1, 5, t_mul=2.0, m_mul=0.5), 80),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 4 --decay 0.7 --min-lr 0.01 -n 40",
        keras(lambda K: K.CosineDecayRestarts(0.1, 4, t_mul=1.0, m_mul=0.7, alpha=0.1), 40),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 6 --decay 0.5 -n 30",
        timm(lambda o, T: T.CosineLRScheduler(o, 6, cycle_decay=0.5, cycle_limit=100), 30, lr=0.1),
    ),
    (
        "cosine-restarts --lr 0.1 --t-0 4 --t-mult 2 --decay 0.8 -n 60",
        timm(
            lambda o, T: T.CosineLRScheduler(o, 4, cycle_mul=2, cycle_decay=0.8, cycle_limit=100), 60, lr=0.1
        ),
    ),
]
