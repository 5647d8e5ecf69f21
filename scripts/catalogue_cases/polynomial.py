"""Schedules along a power of elapsed time: linear, polynomial, inverse-time."""

from __future__ import annotations

from catalogue_cases._frameworks import keras, optax, torch, transformers

CASES = [
    # linear: PyTorch LinearLR (defaults: from lr/3 over 5); Hugging Face linear with warmup; optax
    ("linear --lr 0.1 -n 10", torch(lambda o, S: S.LinearLR(o), 10, lr=0.1)),
    (
        "linear --lr 0.1 --start-factor 1 --end-factor 0.01 --total-iters 20 -n 25",
        torch(lambda o, S: S.LinearLR(o, start_factor=1.0, end_factor=0.01, total_iters=20), 25, lr=0.1),
    ),
    (
        "linear --lr 0.05 --start-factor 0.5 --end-factor 0.1 --total-iters 7"
        " --warmup 4 --warmup-start-lr 0.005 -n 15",
        torch(
            lambda o, S: S.SequentialLR(
                o,
                [
                    S.LinearLR(o, start_factor=0.1, end_factor=0.5, total_iters=4),
                    S.LinearLR(o, start_factor=0.5, end_factor=0.1, total_iters=7),
                ],
                [4],
            ),
            15,
            lr=0.05,
        ),
    ),
    (
        "linear --lr 0.1 --start-factor 0.25 --total-iters 2 --steps-per-epoch 5 -n 4",
        torch(lambda o, S: S.LinearLR(o, start_factor=0.25, total_iters=10), 20, lr=0.1),
    ),
    (
        "linear --lr 0.1 --start-factor 1 --end-factor 0 --total-iters 25 --warmup 5 -n 40",
        transformers(lambda o, T: T.get_linear_schedule_with_warmup(o, 5, 30), 40, lr=0.1),
    ),
    (
        "linear --lr 0.1 --start-factor 1 --end-factor 0.01 --total-iters 10 -n 15",
        optax(lambda ox: ox.linear_schedule(0.1, 0.001, 10), 15),
    ),
    # polynomial: PyTorch PolynomialLR (min-lr 0); Keras PolynomialDecay, optax polynomial_schedule
    # and Hugging Face polynomial decay with warmup (min-lr as their end rate)
    (
        "polynomial --lr 0.1 --total-iters 5 -n 10",
        torch(lambda o, S: S.PolynomialLR(o), 10, lr=0.1),
    ),
    (
        "polynomial --lr 0.1 --total-iters 10 --power 2 -n 15",
        torch(lambda o, S: S.PolynomialLR(o, total_iters=10, power=2.0), 15, lr=0.1),
    ),
    (
        "polynomial --lr 0.1 --power 0.5",
        torch(lambda o, S: S.PolynomialLR(o, total_iters=30, power=0.5), 30, lr=0.1),
    ),
    (
        "polynomial --lr 0.1 --total-iters 10 --power 2 --warmup 3 --warmup-start-lr 0.01 -n 16",
        torch(
            lambda o, S: S.SequentialLR(
                o,
                [
                    S.LinearLR(o, start_factor=0.1, total_iters=3),
                    S.PolynomialLR(o, total_iters=10, power=2.0),
                ],
                [3],
            ),
            16,
            lr=0.1,
        ),
    ),
    (
        "polynomial --lr 0.1 --total-iters 4 --steps-per-epoch 3 -n 5",
        torch(lambda o, S: S.PolynomialLR(o, total_iters=12), 15, lr=0.1),
    ),
    (
        "polynomial --lr 0.1 --total-iters 20 --min-lr 0.001 --power 2 -n 25",
        keras(lambda K: K.PolynomialDecay(0.1, 20, end_learning_rate=0.001, power=2.0), 25),
    ),
    (
        "polynomial --lr 0.1 --total-iters 12 --power 1.5 --min-lr 0.001 -n 16",
        optax(lambda ox: ox.polynomial_schedule(0.1, 0.001, 1.5, 12), 16),
    ),
    (
        "polynomial --lr 0.1 --total-iters 25 --min-lr 0.0001 --power 2 --warmup 5 -n 35",
        transformers(
            lambda o, T: T.get_polynomial_decay_schedule_with_warmup(o, 5, 30, lr_end=1e-4, power=2.0),
            35,
            lr=0.1,
        ),
    ),
    # inverse-time: Keras InverseTimeDecay; warmup through PyTorch SequentialLR around a LambdaLR
    # of the same formula (the formula itself is checked against Keras above it).
    (
        "inverse-time --lr 0.1 --decay-rate 0.5",
        keras(lambda K: K.InverseTimeDecay(0.1, 1, 0.5), 30),
    ),
    (
        "inverse-time --lr 0.1 --decay-rate 0.3 --decay-steps 4 -n 20",
        keras(lambda K: K.InverseTimeDecay(0.1, 4, 0.3), 20),
    ),
    (
        "inverse-time --lr 0.1 --decay-rate 1 --decay-steps 10 --staircase -n 40",
        keras(lambda K: K.InverseTimeDecay(0.1, 10, 1.0, staircase=True), 40),
    ),
    (
        "inverse-time --lr 0.1 --decay-rate 1 --decay-steps 8 --staircase --steps-per-epoch 4 -n 6",
        keras(lambda K: K.InverseTimeDecay(0.1, 8, 1.0, staircase=True), 24),
    ),
    (
        "inverse-time --lr 0.1 --decay-rate 0.5 --warmup 4 --warmup-start-lr 0.01 -n 15",
        torch(
            lambda o, S: S.SequentialLR(
                o,
                [S.LinearLR(o, start_factor=0.1, total_iters=4), S.LambdaLR(o, lambda t: 1 / (1 + 0.5 * t))],
                [4],
            ),
            15,
            lr=0.1,
        ),
    ),
]
