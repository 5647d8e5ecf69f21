"""Calls `lrsched from ... --emit TARGET` ports: every source scheduler of the five frameworks with
its common parameter sets, each tried for every target.

Shared by the port tests (`test_port.py`) and by `scripts/gen_port_goldens.py`, which runs each
call in its real framework and each emitted expression in the real target framework, and
records what lrsched refused, and why.
"""

from __future__ import annotations

from typing import NamedTuple

TARGETS = ("torch", "keras", "optax", "hf", "timm", "lrsched")


class Source(NamedTuple):
    framework: str
    expression: str
    lr: float | None = None
    epochs: int | None = None

    def argv(self) -> list[str]:
        """The arguments of `lrsched from` for this call (without --emit)."""
        argv = ["from", self.expression]
        if self.lr is not None:
            argv += ["--lr", repr(self.lr)]
        if self.epochs is not None:
            argv += ["-n", str(self.epochs)]
        return argv


SOURCES: list[Source] = [
    # PyTorch
    Source("torch", "StepLR(optimizer, step_size=3, gamma=0.5)", 0.1),
    Source("torch", "MultiStepLR(optimizer, milestones=[4, 8], gamma=0.1)", 0.1, 12),
    Source("torch", "ConstantLR(optimizer, factor=0.5, total_iters=4)", 0.1, 10),
    Source("torch", "LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=10)", 0.1, 15),
    Source("torch", "LinearLR(optimizer, start_factor=0.25, total_iters=4)", 0.1, 10),
    Source("torch", "ExponentialLR(optimizer, gamma=0.9)", 0.1, 20),
    Source("torch", "PolynomialLR(optimizer, total_iters=10, power=2.0)", 0.1),
    Source("torch", "CosineAnnealingLR(optimizer, T_max=20)", 0.1),
    Source("torch", "CosineAnnealingLR(optimizer, T_max=10, eta_min=0.001)", 0.1, 25),
    Source("torch", "CosineAnnealingWarmRestarts(optimizer, T_0=5)", 0.1, 20),
    Source("torch", "CosineAnnealingWarmRestarts(optimizer, T_0=4, T_mult=2, eta_min=0.001)", 0.1, 28),
    Source("torch", "CyclicLR(optimizer, base_lr=0.001, max_lr=0.1, step_size_up=4)", None, 24),
    Source("torch", "OneCycleLR(optimizer, max_lr=0.1, total_steps=100)"),
    Source(
        "torch",
        "OneCycleLR(optimizer, max_lr=0.1, total_steps=40, three_phase=True, anneal_strategy='linear')",
    ),
    Source(
        "torch",
        "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.1, total_iters=5), "
        "CosineAnnealingLR(optimizer, T_max=25)], milestones=[5])",
        0.1,
    ),
    Source(
        "torch",
        "SequentialLR(optimizer, schedulers=[ConstantLR(optimizer, factor=0.0, total_iters=1), "
        "LinearLR(optimizer, start_factor=0.25, total_iters=3), StepLR(optimizer, step_size=5)], "
        "milestones=[1, 4])",
        0.1,
        20,
    ),
    Source("torch", "CosineAnnealingLR(optimizer, T_max=100, eta_min=1e-5)", 0.1),
    Source("torch", "ChainedScheduler([StepLR(optimizer, 3), ExponentialLR(optimizer, 0.9)])", 0.1, 10),
    Source("torch", "LambdaLR(optimizer, lambda epoch: 0.95 ** epoch)", 0.1, 10),
    Source("torch", "MultiplicativeLR(optimizer, lambda epoch: 0.95)", 0.1, 10),
    # Keras
    Source(
        "keras", "keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5)", None, 20
    ),
    Source(
        "keras",
        "keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5, staircase=True)",
        None,
        20,
    ),
    Source(
        "keras", "keras.optimizers.schedules.PiecewiseConstantDecay([4, 9], [0.1, 0.01, 0.001])", None, 14
    ),
    Source("keras", "keras.optimizers.schedules.PiecewiseConstantDecay([4, 9], [0.1, 0.05, 0.02])", None, 14),
    Source(
        "keras", "keras.optimizers.schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.001)"
    ),
    Source(
        "keras", "keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=5, decay_rate=0.5)", None, 20
    ),
    Source("keras", "keras.optimizers.schedules.CosineDecay(0.1, decay_steps=20)"),
    Source(
        "keras",
        "keras.optimizers.schedules.CosineDecay(0.0, decay_steps=20, warmup_target=0.1, warmup_steps=5)",
    ),
    Source("keras", "keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=8)", None, 30),
    # optax
    Source("optax", "optax.constant_schedule(0.1)", None, 10),
    Source("optax", "optax.linear_schedule(0.1, 0.001, transition_steps=10)"),
    Source("optax", "optax.linear_schedule(0.0, 0.1, transition_steps=5)", None, 10),
    Source("optax", "optax.polynomial_schedule(0.1, 0.001, power=2, transition_steps=10)"),
    Source("optax", "optax.exponential_decay(0.1, transition_steps=5, decay_rate=0.5)", None, 20),
    Source("optax", "optax.cosine_decay_schedule(0.1, decay_steps=20, alpha=0.01)"),
    Source("optax", "optax.warmup_cosine_decay_schedule(0.0, 0.1, warmup_steps=5, decay_steps=25)"),
    Source("optax", "optax.warmup_exponential_decay_schedule(0.0, 0.1, 4, 5, 0.5)", None, 20),
    Source("optax", "optax.piecewise_constant_schedule(0.1, {5: 0.1, 10: 0.1})", None, 15),
    Source(
        "optax",
        "optax.piecewise_interpolate_schedule('cosine', 0.004, {29: 25.0, 99: 4e-06})",
    ),
    Source("optax", "optax.cosine_onecycle_schedule(100, 0.1)"),
    Source("optax", "optax.linear_onecycle_schedule(100, 0.1)"),
    Source("optax", "optax.warmup_constant_schedule(0.0, 0.1, 5)", None, 10),
    Source(
        "optax",
        "optax.sgdr_schedule([dict(init_value=0.0, peak_value=0.1, warmup_steps=2, decay_steps=10)])",
    ),
    Source(
        "optax",
        "optax.join_schedules([optax.linear_schedule(0.0, 0.1, 5), "
        "optax.cosine_decay_schedule(0.1, 20)], [5])",
    ),
    Source(
        "optax",
        "optax.join_schedules(schedules=[optax.cosine_decay_schedule(init_value=0.1, decay_steps=4, "
        "alpha=0.1), optax.cosine_decay_schedule(init_value=0.055, decay_steps=8, alpha=0.01 / 0.055)], "
        "boundaries=[4])",
        None,
        12,  # row 13 is optax's floor, held, where restarts begin again
    ),
    # Hugging Face
    Source("hf", "get_constant_schedule(optimizer)", 0.1, 10),
    Source("hf", "get_constant_schedule_with_warmup(optimizer, num_warmup_steps=5)", 0.1, 12),
    Source("hf", "get_linear_schedule_with_warmup(optimizer, 5, 30)", 0.1),
    Source("hf", "get_cosine_schedule_with_warmup(optimizer, 5, 30)", 0.1),
    Source("hf", "get_cosine_schedule_with_warmup(optimizer, 0, 20)", 0.1),
    Source("hf", "get_cosine_with_min_lr_schedule_with_warmup(optimizer, 5, 30, min_lr=0.001)", 0.1),
    Source(
        "hf", "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, 5, 30, min_lr_rate=0.1)", 0.1
    ),
    Source("hf", "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 0, 30, num_cycles=3)", 0.1),
    Source("hf", "get_polynomial_decay_schedule_with_warmup(optimizer, 5, 30, lr_end=0.001, power=2.0)", 0.1),
    Source("hf", "get_inverse_sqrt_schedule(optimizer, num_warmup_steps=5)", 0.1, 30),
    Source("hf", "get_wsd_schedule(optimizer, 5, 10, num_stable_steps=10)", 0.1),
    Source("hf", "get_scheduler('cosine', optimizer, num_warmup_steps=5, num_training_steps=30)", 0.1),
    Source("hf", "get_cosine_schedule_with_warmup(optimizer, 300, 3000)", 2e-5),
    # timm
    Source("timm", "CosineLRScheduler(optimizer, t_initial=20, lr_min=0.001)", 0.1),
    Source(
        "timm",
        "CosineLRScheduler(optimizer, t_initial=20, warmup_t=3, warmup_lr_init=0.01, warmup_prefix=True)",
        0.1,
    ),
    Source("timm", "CosineLRScheduler(optimizer, t_initial=20, warmup_t=3, warmup_lr_init=0.01)", 0.1),
    Source("timm", "CosineLRScheduler(optimizer, t_initial=5, cycle_limit=3, cycle_decay=0.5)", 0.1),
    Source("timm", "StepLRScheduler(optimizer, decay_t=3, decay_rate=0.5)", 0.1, 12),
    Source("timm", "MultiStepLRScheduler(optimizer, decay_t=[4, 8], decay_rate=0.1)", 0.1, 12),
    Source("timm", "PolyLRScheduler(optimizer, t_initial=10, power=2.0)", 0.1),
    Source("timm", "TanhLRScheduler(optimizer, t_initial=10)", 0.1),
]
