"""The tutorial's schedules: step decay, exponential decay, cosine annealing (with warm restarts)."""

import math

from lrsched_cli.errors import ScheduleError
from lrsched_cli.schedules.core import Schedule, factor, floor_below, non_negative, positive, positive_int


def step_decay(*, lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply the rate by gamma every step_size epochs.

        lr(t) = lr * gamma ^ floor(t / step_size)

    Matches PyTorch StepLR.
    """
    positive("lr", lr)
    positive_int("step_size", step_size)
    factor("gamma", gamma)

    def rate(t: int) -> float:
        return lr * gamma ** (t // step_size)

    return rate


def exponential(
    *,
    lr: float,
    decay_rate: float | None = None,
    gamma: float | None = None,
    decay_steps: int = 1,
    staircase: bool = False,
) -> Schedule:
    """Decay the rate exponentially, by a continuous rate or by a factor per decay_steps epochs.

        lr(t) = lr * e ^ (-decay_rate * p)      with --decay-rate (the tutorial's form)
        lr(t) = lr * gamma ^ p                  with --gamma (PyTorch ExponentialLR)
        where p = t / decay_steps, floored with --staircase (the Keras, optax and TF form)

    Give exactly one of decay_rate and gamma.
    """
    positive("lr", lr)
    positive_int("decay_steps", decay_steps)

    def progress(t: int) -> float:
        return t // decay_steps if staircase else t / decay_steps

    if decay_rate is not None and gamma is None:
        k = non_negative("decay_rate", decay_rate)

        def continuous(t: int) -> float:
            return lr * math.exp(-k * progress(t))

        return continuous
    if gamma is not None and decay_rate is None:
        g = factor("gamma", gamma)

        def stepped(t: int) -> float:
            return lr * float(g ** progress(t))

        return stepped
    given = "both" if gamma is not None else "neither"
    raise ScheduleError("decay_rate", f"give exactly one of --decay-rate and --gamma, got {given}")


def cosine(*, lr: float, t_max: int, min_lr: float = 0.0) -> Schedule:
    """Anneal from lr to min_lr along half a cosine over t_max epochs.

        lr(t) = min_lr + (lr - min_lr) * (1 + cos(pi * t / t_max)) / 2

    Matches PyTorch CosineAnnealingLR. Past t_max the rate follows the cosine back up, as
    PyTorch does (it reaches lr again at t = 2 * t_max); it does not stay at min_lr.
    """
    positive("lr", lr)
    positive_int("t_max", t_max)
    floor_below("min_lr", min_lr, "lr", lr)
    half_span = (lr - min_lr) / 2

    def rate(t: int) -> float:
        return min_lr + half_span * (1 + math.cos(math.pi * t / t_max))

    return rate


def cosine_restarts(
    *, lr: float, t_0: int, t_mult: int = 1, min_lr: float = 0.0, decay: float = 1.0
) -> Schedule:
    """Cosine-anneal from lr to min_lr, restarting at lr; each period is t_mult times longer.

        lr(t) = min_lr + (lr - min_lr) * decay ^ i * (1 + cos(pi * t_cur / t_i)) / 2
        where t_i = t_0 * t_mult ^ i is the length of the current period i
        and t_cur the epochs since it began

    Matches PyTorch CosineAnnealingWarmRestarts stepped once per epoch; with --decay, each
    restart's peak is decay times the last one's, as Keras CosineDecayRestarts (m_mul) and timm
    (cycle_decay) do. With a --min-lr, it is the height above the floor that decays (Keras);
    timm shrinks the peak itself, which can sink below the floor. Restarts are found with
    integer arithmetic, so each lands exactly on its epoch.
    """
    positive("lr", lr)
    positive_int("t_0", t_0)
    positive_int("t_mult", t_mult)
    floor_below("min_lr", min_lr, "lr", lr)
    factor("decay", decay)
    half_span = (lr - min_lr) / 2

    def rate(t: int) -> float:
        if t_mult == 1:
            (cycle, t_cur), t_i = divmod(t, t_0), t_0
        else:
            cycle, t_cur, t_i = 0, t, t_0
            while t_cur >= t_i:
                cycle, t_cur, t_i = cycle + 1, t_cur - t_i, t_i * t_mult
        return min_lr + half_span * decay**cycle * (1 + math.cos(math.pi * t_cur / t_i))

    return rate
