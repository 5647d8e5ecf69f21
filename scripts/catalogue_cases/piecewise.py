"""Schedules that hold the rate between boundaries: multistep, constant, piecewise."""

from __future__ import annotations

from catalogue_cases._frameworks import keras, optax, torch, transformers

CASES = [
    # multistep: PyTorch MultiStepLR (a repeated milestone drops twice), optax piecewise_constant
    ("multistep --lr 0.1 -n 100", torch(lambda o, S: S.MultiStepLR(o, [30, 80]), 100, lr=0.1)),
    (
        "multistep --lr 0.1 --milestones 3,3,7 -n 12",
        torch(lambda o, S: S.MultiStepLR(o, [3, 3, 7]), 12, lr=0.1),
    ),
    (
        "multistep --lr 0.1 --milestones 0,5 --gamma 0.5 -n 8",
        torch(lambda o, S: S.MultiStepLR(o, [0, 5], gamma=0.5), 8, lr=0.1),
    ),
    (
        "multistep --lr 0.1 --milestones 2,4 --gamma 0.5 --warmup 3 --warmup-start-lr 0.02 -n 12",
        torch(
            lambda o, S: S.SequentialLR(
                o, [S.LinearLR(o, start_factor=0.2, total_iters=3), S.MultiStepLR(o, [2, 4], gamma=0.5)], [3]
            ),
            12,
            lr=0.1,
        ),
    ),
    (
        "multistep --lr 0.1 --milestones 2,5 --steps-per-epoch 3 -n 7",
        torch(lambda o, S: S.MultiStepLR(o, [6, 15]), 21, lr=0.1),
    ),
    (
        "multistep --lr 0.1 --milestones 3,7 --gamma 0.5 -n 12",
        optax(lambda ox: ox.piecewise_constant_schedule(0.1, {3: 0.5, 7: 0.5}), 12),
    ),
    # constant: PyTorch ConstantLR (defaults factor 1/3, total_iters 5); Hugging Face constant with warmup
    ("constant --lr 0.1 -n 10", torch(lambda o, S: S.ConstantLR(o), 10, lr=0.1)),
    (
        "constant --lr 0.1 --factor 0.5 --total-iters 3 -n 8",
        torch(lambda o, S: S.ConstantLR(o, factor=0.5, total_iters=3), 8, lr=0.1),
    ),
    (
        "constant --lr 0.1 --factor 0.5 --total-iters 3 --warmup 2 --warmup-start-lr 0.02 -n 8",
        torch(
            lambda o, S: S.SequentialLR(
                o,
                [
                    S.LinearLR(o, start_factor=0.2, end_factor=0.5, total_iters=2),
                    S.ConstantLR(o, factor=0.5, total_iters=3),
                ],
                [2],
            ),
            8,
            lr=0.1,
        ),
    ),
    (
        "constant --lr 0.1 --factor 0.25 --total-iters 2 --steps-per-epoch 4 -n 4",
        torch(lambda o, S: S.ConstantLR(o, factor=0.25, total_iters=8), 16, lr=0.1),
    ),
    (
        "constant --lr 0.1 --factor 1 --warmup 4 -n 10",
        transformers(lambda o, T: T.get_constant_schedule_with_warmup(o, 4), 10, lr=0.1),
    ),
    # piecewise: optax piecewise_constant_schedule (switches at the boundary); Keras
    # PiecewiseConstantDecay keeps the old value at the boundary, so it is given boundary - 1.
    (
        "piecewise -n 25",
        optax(lambda ox: ox.piecewise_constant_schedule(0.1, {10: 0.1, 20: 0.1}), 25),
    ),
    ("piecewise -n 25", keras(lambda K: K.PiecewiseConstantDecay([9, 19], [0.1, 0.01, 0.001]), 25)),
    (
        "piecewise --boundaries 5,15 --values 0.05,0.1,0.01 -n 20",
        keras(lambda K: K.PiecewiseConstantDecay([4, 14], [0.05, 0.1, 0.01]), 20),
    ),
    (
        "piecewise --boundaries 5,15 --values 0.05,0.1,0.01 --warmup 3 -n 25",
        optax(
            lambda ox: ox.join_schedules(
                [ox.linear_schedule(0.0, 0.05, 3), ox.piecewise_constant_schedule(0.05, {5: 2.0, 15: 0.1})],
                [3],
            ),
            25,
        ),
    ),
    (
        "piecewise --steps-per-epoch 2 -n 25",
        optax(lambda ox: ox.piecewise_constant_schedule(0.1, {20: 0.1, 40: 0.1}), 50),
    ),
    (
        "piecewise --boundaries 3,6 --values 0.1,0.05,0.025 -n 10",
        torch(lambda o, S: S.MultiStepLR(o, [3, 6], gamma=0.5), 10, lr=0.1),
    ),
]
