"""Every schedule lrsched knows, declared once: the CLI, help, JSON and docs derive from here.

A schedule is a factory in a module of `lrsched_cli.schedules` plus one `Entry` below, which
names it (imported only when that schedule is used: a run loads its own schedule alone). Its keyword
parameters become options (``step_size`` -> ``--step-size``), their help comes from `PARAMS`
(one meaning per name across every schedule), its docstring is the command's help.
"""

import functools
import importlib
import inspect
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from lrsched_cli.inputs import read_numbers
from lrsched_cli.schedules import Schedule

LARGEST = 2**53
"""The largest value of any integer option, and of a duration or row count on the step clock:
every integer up to it is exact as a float, so no formula meets an integer it cannot convert."""


Unit = Literal["epochs", "steps"]
"""What a duration counts. ``epochs``: multiplied by --steps-per-epoch, so the schedule counts
optimizer steps. ``steps``: scheduler steps, which are optimizer steps with --steps-per-epoch and
epochs without it; never multiplied. A parameter named "steps" counts steps, always."""


class Param(NamedTuple):
    help: str
    unit: Unit | None = None
    """What the value counts, for a duration (`Unit`); None for any other value."""
    one_epoch: bool = False
    """A duration in steps whose default (where its factory has one) is one epoch: its steps
    with --steps-per-epoch, so ``--gamma`` alone decays per epoch, as PyTorch's scheduler does."""
    loader: Callable[..., Any] | None = None
    """Reads the value from a file the user names ('-': stdin), at the CLI edge: called with the
    file's lines, its name and the loader's own keyword-only options (each a PARAMS name too)."""


IN_STEPS = " (optimizer steps with --steps-per-epoch, else epochs)"
"""How the help of a duration in steps says so."""

PARAMS: dict[str, Param] = {
    "lr": Param("Initial (peak) learning rate."),
    "min_lr": Param("Floor the rate anneals towards, at most --lr."),
    "gamma": Param("Multiplicative decay factor, between 0 and 1."),
    "step_size": Param("Epochs between two drops.", unit="epochs"),
    "decay_rate": Param("Decay rate k per --decay-steps, at least 0."),
    "decay_steps": Param(f"Steps over which the decay applies once{IN_STEPS}.", unit="steps", one_epoch=True),
    "staircase": Param("Decay in whole steps of --decay-steps instead of continuously."),
    "t_max": Param("Epochs of the half cosine.", unit="epochs"),
    "t_0": Param("Epochs of the first period.", unit="epochs"),
    "t_mult": Param("Each period is this many times longer than the one before."),
    # One word, one meaning: "decay" is a factor per restart, never a length. Issue 3's wsd
    # "--decay N" (the decay phase's length) is "decay_steps", the epochs the decay applies over.
    "decay": Param("Each restart's peak height is this times the last one's, between 0 and 1."),
    "milestones": Param("Epochs where the rate drops, a comma list (a repeat drops twice).", unit="epochs"),
    "boundaries": Param("Epochs at which the rate switches to the next value, a comma list.", unit="epochs"),
    "values": Param("The rates, a comma list with one more than --boundaries."),
    "factor": Param("Multiplier of the rate, 0 to 1."),
    "start_factor": Param("Fraction of --lr the rate starts at, above 0 and at most 1."),
    "end_factor": Param("Fraction of --lr the rate reaches at --total-iters, between 0 and 1."),
    "total_iters": Param("Epochs until the schedule reaches its final rate.", unit="epochs"),
    "power": Param("Exponent of the polynomial decay, above 0 (1: linear)."),
    "max_lr": Param("Peak learning rate, the top of the cycle."),
    "total_steps": Param(f"Steps of the whole cycle, PyTorch's total_steps{IN_STEPS}.", unit="steps"),
    "pct_start": Param("Fraction of --total-steps spent climbing to --max-lr, strictly between 0 and 1."),
    "anneal_strategy": Param("Shape of each phase: half a cosine, or a straight line."),
    "div_factor": Param("The cycle starts at --max-lr divided by this, at least 1."),
    "final_div_factor": Param("The cycle ends at its starting rate divided by this, at least 1."),
    "three_phase": Param("Climb, fall back to the starting rate, then anneal (PyTorch's three_phase)."),
    "base_lr": Param("Lowest rate of the cycle, where it starts; at most --max-lr."),
    "step_size_up": Param("Epochs climbing from --base-lr to --max-lr.", unit="epochs"),
    "step_size_down": Param("Epochs falling back to --base-lr [default: --step-size-up].", unit="epochs"),
    # PyTorch's word, in both of its schedulers (cyclic's peak policy, plateau's direction): each
    # command words it for itself, in its entry's `wording`.
    "mode": Param("Variant of the schedule."),
    "timescale": Param(f"Steps after which the rate is --lr / sqrt(2){IN_STEPS}.", unit="steps"),
    "stable_steps": Param(f"Steps the rate holds at --lr before it decays{IN_STEPS}.", unit="steps"),
    "decay_type": Param("Shape of the decay phase."),
    "metrics": Param(
        "File of the watched metric, one value per epoch ('-': stdin): a number per line, or --column.",
        loader=read_numbers,
    ),
    "column": Param("Read --metrics as CSV and take this column, named in its header line."),
    "patience": Param("Epochs without improvement tolerated before the rate drops."),
    "threshold": Param("Least change that counts as an improvement, at least 0."),
    "threshold_mode": Param("rel: beat the best by the fraction --threshold; abs: by --threshold itself."),
    "cooldown": Param("Epochs after a drop in which epochs without improvement are not counted."),
    "eps": Param("A drop smaller than this is skipped."),
}


class Entry(NamedTuple):
    name: str
    maker: str
    """Its factory, as ``module.function`` in `lrsched_cli.schedules` (``decay.step_decay``)."""
    examples: tuple[str, ...]
    length: str | None = None
    """A parameter that defaults to the rows (minus warmup), and gives the default row count."""
    natural: Callable[[Mapping[str, Any]], int | None] | None = None
    """The schedule's own length, after warmup, on its own clock (steps, or epochs where it is
    stepped per epoch), from its parameters on that clock: rows enough to show its whole shape,
    the default row count when it has no `length` parameter. None: a shape without an end."""
    endless: bool = False
    """The shape never ends (a decay by a factor, restarts): `natural` is only where its first
    change shows, and the default is the tutorial's 30 rows, or up to that change when later."""
    rows_help: str = "30"
    """The default row count, in words, for this command's --epochs help (in epochs)."""
    from_warmup: str | None = None
    """A parameter that defaults to the warmup's length, or without warmup to its own default."""
    follows: Mapping[str, str] = MappingProxyType({})
    """Parameters that default to another one's value (cyclic's step_size_down: step_size_up),
    resolved here so the JSON params show the value used, not null."""
    per_epoch: bool = False
    """Stepped once per epoch, whatever --steps-per-epoch: each epoch's rate holds for its steps."""
    notes: Callable[[Mapping[str, Any]], list[str]] | None = None
    """Notes for stderr from the resolved parameters: where values look like another meaning."""
    wording: Mapping[str, str] = MappingProxyType({})
    """This command's help for a parameter, where the shared `PARAMS` text would speak of other
    commands: the concept is the same, the words are this command's own."""

    def help(self, name: str) -> str:
        """The help of parameter ``name`` as this command shows it."""
        return self.wording.get(name, PARAMS[name].help)

    @property
    def factory(self) -> Callable[..., Schedule]:
        return _factory(self.maker)

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.factory) or ""

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0]

    @property
    def formula(self) -> str:
        """The first formula line of the docstring, for one-line listings."""
        lines = [line.strip() for line in self.doc.splitlines() if line.strip().startswith("lr(t)")]
        return lines[0] if lines else self.summary

    def parameters(self) -> list[inspect.Parameter]:
        return list(_signature(self.maker).parameters.values())

    def default(self, name: str) -> Any:
        return _signature(self.maker).parameters[name].default

    def loader_options(self) -> list[inspect.Parameter]:
        """Options of the loaders that read this schedule's file parameters (--column for --metrics)."""
        loaders = [PARAMS[p.name].loader for p in self.parameters()]
        return [option for loader in loaders if loader for option in loader_options(loader)]


@functools.cache
def _factory(maker: str) -> Callable[..., Schedule]:
    module, _, name = maker.rpartition(".")
    factory: Callable[..., Schedule] = getattr(
        importlib.import_module(f"lrsched_cli.schedules.{module}"), name
    )
    return factory


@functools.cache
def _signature(maker: str) -> inspect.Signature:
    """The factory's signature, its annotations evaluated (once: every command asks for it)."""
    return inspect.signature(_factory(maker), eval_str=True)


def loader_options(loader: Callable[..., Any]) -> list[inspect.Parameter]:
    """A loader's own options: its keyword-only parameters, each named in PARAMS."""
    parameters = inspect.signature(loader, eval_str=True).parameters.values()
    return [p for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]


def _one_period_more(points: tuple[int, ...]) -> int | None:
    """Rows up to the last of ``points`` (milestones, boundaries) and as many again as the gap
    before it, so the last rate shows as long as the one before: (30, 80) -> 130. None without
    points: the rate never changes."""
    distinct = sorted(set(points))
    if not distinct:
        return None
    last, before = distinct[-1], ([0, *distinct])[-2]
    return max(last + (last - before), last + 1)


def _decay_rate_as_a_factor(params: Mapping[str, Any]) -> list[str]:
    """exponential's --decay-rate is the tutorial's continuous rate k, e^(-k p); Keras's and optax's
    ``decay_rate`` is the factor per decay_steps. A rate below 1 with --decay-steps looks like the
    latter (``decay_rate=0.96, decay_steps=100``): say which form it is, and how to get the other."""
    k, steps = params.get("decay_rate"), params["decay_steps"]
    if k is None or not 0 < k < 1 or steps == (params.get("steps_per_epoch") or 1):  # one epoch
        return []
    return [
        f"--decay-rate {k!r} is the tutorial's continuous rate: lr * e^(-{k!r} * t / {steps}), "
        f"as --gamma {math.exp(-k)!r} would give; Keras's and optax's decay_rate={k!r} is a factor "
        f"per decay_steps instead: for that, use --gamma {k!r}"
    ]


SCHEDULES: dict[str, Entry] = {
    entry.name: entry
    for entry in [
        Entry(
            "step",
            "decay.step_decay",
            (
                "lrsched step --lr 0.1 --step-size 10",
                "lrsched step --lr 0.1 --step-size 30 --gamma 0.5 -n 90",
            ),
            natural=lambda params: params["step_size"] + 1,
            endless=True,
            rows_help="30, or to the first drop when later (--warmup + --step-size + 1)",
        ),
        Entry(
            "exponential",
            "decay.exponential",
            (
                "lrsched exponential --lr 0.1 --decay-rate 0.05",
                "lrsched exponential --lr 0.1 --gamma 0.95 -f csv",
                "lrsched exponential --lr 0.1 --gamma 0.5 --decay-steps 10 --staircase",
            ),
            natural=lambda params: params["decay_steps"] + 1,
            endless=True,
            rows_help="30, or to the end of the first --decay-steps when later "
            "(--warmup + --decay-steps + 1)",
            notes=_decay_rate_as_a_factor,
            wording={
                "decay_rate": "Continuous decay rate k, at least 0: lr(t) = lr * e^(-k p), "
                "p = t / --decay-steps (the tutorial's form; Keras's and optax's decay_rate is a "
                "factor: see --gamma).",
                "gamma": "Factor per --decay-steps, between 0 and 1: lr(t) = lr * gamma^p (PyTorch's and "
                "Keras's decay factor).",
                "decay_steps": "Steps of one unit of p: the decay by --decay-rate or --gamma applies once "
                f"over them{IN_STEPS}.",
            },
        ),
        Entry(
            "cosine",
            "decay.cosine",
            (
                "lrsched cosine --lr 0.1 --min-lr 0.001",
                "lrsched cosine --lr 0.1 --t-max 90 --warmup 5 -f json",
            ),
            rows_help="--warmup + --t-max; 30 without --t-max",
            length="t_max",
        ),
        Entry(
            "cosine-restarts",
            "decay.cosine_restarts",
            (
                "lrsched cosine-restarts --lr 0.1 --t-0 10",
                "lrsched cosine-restarts --lr 0.1 --t-0 5 --t-mult 2 -n 35",
                "lrsched cosine-restarts --lr 0.1 --t-0 10 --decay 0.5 -n 40",
            ),
            natural=lambda params: params["t_0"] + 1,
            endless=True,
            rows_help="30, or to the first restart when later (--warmup + --t-0 + 1)",
        ),
        Entry(
            "multistep",
            "piecewise.multistep",
            (
                "lrsched multistep --lr 0.1 -n 100",
                "lrsched multistep --lr 0.1 --milestones 10,20,20 --gamma 0.5",
            ),
            natural=lambda params: _one_period_more(params["milestones"]),
            rows_help="--warmup + the last milestone + the gap before it (30,80: 130), so the last rate "
            "shows as long as the one before; 30 without milestones",
        ),
        Entry(
            "constant",
            "piecewise.constant",
            ("lrsched constant --lr 0.1 -n 10", "lrsched constant --lr 0.1 --factor 0.5 --total-iters 3"),
            natural=lambda params: params["total_iters"] + 1,
            rows_help="--warmup + --total-iters + 1, the first row back at --lr",
            wording={"factor": "Fraction of --lr the rate holds at until --total-iters, 0 to 1."},
        ),
        Entry(
            "linear",
            "polynomial.linear",
            (
                "lrsched linear --lr 0.1 -n 10",
                "lrsched linear --lr 0.1 --start-factor 1 --end-factor 0.01 --total-iters 20",
            ),
            natural=lambda params: params["total_iters"] + 1,
            rows_help="--warmup + --total-iters + 1, the first row at the final rate",
        ),
        Entry(
            "polynomial",
            "polynomial.polynomial",
            (
                "lrsched polynomial --lr 0.1 --power 2",
                "lrsched polynomial --lr 0.1 --total-iters 20 --min-lr 0.001 -n 25",
            ),
            rows_help="--warmup + --total-iters; 30 without --total-iters",
            length="total_iters",
        ),
        Entry(
            "piecewise",
            "piecewise.piecewise_constant",
            (
                "lrsched piecewise",
                "lrsched piecewise --boundaries 5,15 --values 0.05,0.1,0.01 --warmup 3",
            ),
            natural=lambda params: _one_period_more(params["boundaries"]),
            rows_help="--warmup + the last boundary + the gap before it (10,20: 30), so the last value "
            "shows as long as the one before; 30 without boundaries",
        ),
        Entry(
            "inverse-time",
            "polynomial.inverse_time",
            (
                "lrsched inverse-time --lr 0.1 --decay-rate 0.5",
                "lrsched inverse-time --lr 0.1 --decay-rate 1 --decay-steps 10 --staircase",
            ),
            natural=lambda params: params["decay_steps"] + 1,
            endless=True,
            rows_help="30, or to the end of the first --decay-steps when later "
            "(--warmup + --decay-steps + 1)",
            wording={
                "decay_rate": "Decay rate k, at least 0: lr(t) = lr / (1 + k p), p = t / --decay-steps.",
                "decay_steps": f"Steps of one unit of p: --decay-rate applies once over them{IN_STEPS}.",
            },
        ),
        Entry(
            "onecycle",
            "cycles.one_cycle",
            (
                "lrsched onecycle --max-lr 0.1 -n 100",
                "lrsched onecycle --max-lr 0.1 --total-steps 50 --three-phase --anneal-strategy linear",
            ),
            rows_help="--warmup + --total-steps; 30 without --total-steps",
            length="total_steps",
        ),
        Entry(
            "cyclic",
            "cycles.cyclic",
            (
                "lrsched cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 10",
                "lrsched cyclic --base-lr 0.001 --max-lr 0.1 --step-size-up 5 --mode triangular2 -n 60",
            ),
            natural=lambda params: params["step_size_up"] + params["step_size_down"] + 1,
            rows_help="--warmup + one full cycle, back at --base-lr (--step-size-up + --step-size-down + 1)",
            follows={"step_size_down": "step_size_up"},
            wording={
                "mode": "Peak policy: triangular keeps every peak at --max-lr, triangular2 halves it each "
                "cycle, exp_range scales it by --gamma^t.",
                "gamma": "Factor per step for --mode exp_range, between 0 and 1.",
            },
        ),
        Entry(
            "inverse-sqrt",
            "transformer.inverse_sqrt",
            (
                "lrsched inverse-sqrt --lr 0.001 --warmup 10 -n 100",
                "lrsched inverse-sqrt --lr 0.001 --timescale 100 -n 1000 -f csv",
            ),
            from_warmup="timescale",
            rows_help="30, as the shape has no end",
        ),
        Entry(
            "wsd",
            "transformer.warmup_stable_decay",
            (
                "lrsched wsd --lr 0.001 --warmup 5 --stable-steps 30 --decay-steps 10",
                "lrsched wsd --lr 0.001 --stable-steps 20 --decay-steps 10 --decay-type 1-sqrt --min-lr 1e-5",
            ),
            natural=lambda params: params["stable_steps"] + params["decay_steps"],
            rows_help="--warmup + --stable-steps + --decay-steps",
            wording={"decay_steps": f"Steps of the decay phase, from --lr down to --min-lr{IN_STEPS}."},
        ),
        Entry(
            "plateau",
            "plateau.reduce_on_plateau",
            (
                "lrsched plateau --lr 0.1 --metrics val_loss.txt --patience 2",
                "lrsched plateau --lr 0.1 --metrics log.csv --column val_acc --mode max --cooldown 1",
            ),
            natural=lambda params: len(params["metrics"]),
            rows_help="--warmup + one per value in --metrics",
            per_epoch=True,
            wording={
                "factor": "Multiplier of the rate at each drop, at least 0 and below 1.",
                "mode": "Direction of improvement: min, the metric should fall (a loss); max, rise "
                "(an accuracy).",
            },
        ),
    ]
}
