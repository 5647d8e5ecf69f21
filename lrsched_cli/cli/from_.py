"""``lrsched from "<constructor call>"``: a framework's scheduler, reproduced, as rows.

A thin client of `lrsched_cli.frameworks`: it returns the rates as rows, delivered as every
command's are, with the framework's notes for stderr (``--quiet`` silences them).
"""

from __future__ import annotations

import inspect
import math
import sys
from array import array
from collections.abc import Iterable, Iterator
from itertools import chain, count, islice, repeat
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lrsched_cli.cli.boundary import Runner
from lrsched_cli.cli.options import DELIVERY, EmitTo, Epochs, StepsPerEpoch, finite, later_help
from lrsched_cli.cli.schedule import emit_alone
from lrsched_cli.errors import DialectError, EmitError, LrschedError, RateError
from lrsched_cli.frameworks import FRAMEWORKS
from lrsched_cli.frameworks.dispatch import Reproduction, reproduce
from lrsched_cli.frameworks.expression import bindings, intended_rows
from lrsched_cli.output import Series
from lrsched_cli.output.deliver import Delivery, Rows
from lrsched_cli.output.destination import destination
from lrsched_cli.output.series import CHUNK, HELD_ROWS
from lrsched_cli.plan import DEFAULT_ROWS

if TYPE_CHECKING:
    from lrsched_cli.check.diagnose import Planner

HELP = """Reproduce a framework's scheduler from the line that constructs it.

Paste the line from your training code (`scheduler = ...` too); lrsched parses it (never
evaluates it) and computes the rates that framework will use, step by step: PyTorch, Keras,
optax, Hugging Face transformers, timm, and the big-model stacks (DeepSpeed, MMEngine,
Megatron core, fvcore/Detectron2, NeMo, fairseq, Composer; a name PyTorch shares needs its
prefix: mmengine.optim.CosineAnnealingLR). The optimizer is any name (optimizer,
self.optimizer); --lr is its learning rate, needed by schedulers that scale it (PyTorch's,
Hugging Face's, timm's, most of the stacks'; a scheduler that sets its own rates says --lr is
ignored). Arguments may be arithmetic (3 * 1000, math.ceil(0.1 * 3000)) on numbers and on names
given with --let (--let EPOCHS=90 --let args.warmup=5). --steps-per-epoch K gives a scheduler
stepped once per epoch (PyTorch, timm with t_in_epochs=True) a row per optimizer step; where
the framework steps per update (Hugging Face, Keras, optax, the stacks), rows are steps
already; for Composer, --epochs and --steps-per-epoch are the run its times are counted in
(max_duration='Eep', K batches an epoch). --emit FRAMEWORK
writes the same schedule for another framework (or as the lrsched command line), checked on
every row shown, or says why it cannot.
"""

EPILOG = """\b
Examples:
  lrsched from "CosineAnnealingLR(optimizer, T_max=100, eta_min=1e-5)" --lr 0.1
  lrsched from "get_cosine_schedule_with_warmup(optimizer, 100, 1000)" --lr 3e-4
  lrsched from "optax.warmup_cosine_decay_schedule(0.0, 0.1, 100, 1000)" -f csv
  lrsched from "self.scheduler = StepLR(self.optimizer, EPOCHS // 3)" --lr 0.1 --let EPOCHS=90
  lrsched from "OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)" --emit optax
"""

Expression = Annotated[
    str, typer.Argument(metavar="EXPR", help="The scheduler's constructor call, quoted.", show_default=False)
]
Lr = Annotated[
    float | None,
    typer.Option("--lr", click_type=finite(), help="The optimizer's learning rate.", show_default=False),
]
MAX_ROWS = sys.maxsize
"""The most rows `from` shows: what a row counter (and ``itertools.islice``) holds."""

Let = Annotated[
    list[str] | None,
    typer.Option(
        "--let",
        metavar="NAME=VALUE",
        help="Give a name in EXPR its value: --let EPOCHS=90, --let args.lr=3e-4, "
        "--let \"args.lr_scheduler_type='cosine'\" (a number, arithmetic on earlier names, or a "
        "quoted string; repeatable).",
        show_default=False,
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print no notes on stderr.")]


def from_options(
    expr: Expression,
    lr: Lr = None,
    let: Let = None,
    epochs: Epochs = None,
    steps_per_epoch: StepsPerEpoch = None,
    quiet: Quiet = False,
    emit_to: EmitTo = None,
) -> None:
    """Never called: its signature declares the options of `from` besides the delivery ones."""


def from_command(
    expr: str,
    lr: float | None,
    let: list[str] | None,
    epochs: int | None,
    steps_per_epoch: int | None,
    quiet: bool,
    emit_to: str | None,
    **options: Any,
) -> Rows | None:
    delivery = Delivery(**options)
    if emit_to is not None:
        emit_alone(delivery)
        if steps_per_epoch is not None:
            raise LrschedError(
                "emit",
                "writes the scheduler stepped as your code steps it; --steps-per-epoch only spreads "
                f"its rows over the steps of an epoch: drop it, got {steps_per_epoch}",
            )
    if delivery.checking:
        delivery.checks()  # parsed now: a malformed --expect fails before any work
    if lr is not None and lr < 0:
        raise LrschedError("lr", f"must be at least 0 (optimizers refuse a negative rate), got {lr}")
    if epochs is not None and epochs > MAX_ROWS:
        raise LrschedError("epochs", f"must be at most {MAX_ROWS} (rows lrsched can count), got {epochs}")
    reproduction = reproduce(expr, lr=lr, names=bindings(let or []))
    spread = steps_per_epoch  # each epoch's rate held for its steps
    if reproduction.run is not None:  # Composer: a row per batch of --epochs epochs
        reproduction, epochs, spread = _run(reproduction, epochs, steps_per_epoch, emit_to)
    elif steps_per_epoch is not None and reproduction.unit != "epoch":
        raise LrschedError(
            "steps_per_epoch",
            f"{reproduction.scheduler} is stepped once per optimizer update, so its rows are steps "
            "already; --steps-per-epoch spreads schedulers stepped once per epoch (PyTorch's, timm's "
            f"with t_in_epochs=True) over their steps, got {steps_per_epoch}",
        )
    k = spread or 1
    stated = intended_rows(expr)  # an --emit line's rows
    natural = reproduction.length if (reproduction.length or 0) >= 0 else None  # none below 0 steps
    steps = next(rows for rows in (epochs, stated, natural, DEFAULT_ROWS) if rows is not None)
    if reproduction.over is not None:  # a function of progress: its rates depend on the rows
        reproduction = reproduction._replace(rates=reproduction.over(steps))
    if steps * k > MAX_ROWS:
        raise DialectError(
            None,
            f"{reproduction.scheduler} runs for {steps} steps"
            + (f" of {k} rows each" if k > 1 else "")
            + f", more rows than lrsched can count (at most {MAX_ROWS}): give --epochs",
        )
    if emit_to is not None:
        print_port(reproduction, lr, steps, emit_to, delivery, quiet)
        return None
    # a check writes nothing, and computes only the rows it needs
    computed = None if delivery.checking else _compute(reproduction.rates(lr), steps)
    params = {
        "framework": reproduction.framework,
        "scheduler": reproduction.scheduler,
        "expression": reproduction.expression,
        "arguments": dict(reproduction.arguments),
        "lr": lr,
        "steps_per_epoch": steps_per_epoch,
    }
    # the rates are the same each time: once all were computed, writing them cannot fail part-way
    rates: Iterable[float] = computed if computed is not None else islice(reproduction.rates(lr), steps)
    if spread is not None:  # each epoch's rate holds for its steps, as the generic commands'
        rates = chain.from_iterable(repeat(rate, spread) for rate in rates)
    unit = reproduction.unit or "epoch"  # the dispatcher always fills it in
    series = Series("from", params, rates, steps_per_epoch, unit=unit, length=steps * k)
    planner = _planner(reproduction, lr, spread, steps * k, steps_per_epoch) if delivery.check_run else None
    return Rows(series, delivery, notes=() if quiet else reproduction.notes(steps), planner=planner)


def _run(
    reproduction: Reproduction, epochs: int | None, steps_per_epoch: int | None, emit_to: str | None
) -> tuple[Reproduction, int, None]:
    """A scheduler of the run's length (Composer's): its rates over ``epochs`` epochs of
    ``steps_per_epoch`` batches, a row each; the rows to show."""
    assert reproduction.run is not None
    name = FRAMEWORKS[reproduction.framework].name
    if emit_to is not None:
        raise LrschedError("emit", f"{name}'s schedulers are read, not ported: their rows depend on the run")
    for option, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
        if value is None:
            raise LrschedError(
                option,
                f"{reproduction.scheduler} reads the run's length: give --epochs E and --steps-per-epoch K "
                f"({name}'s max_duration='Eep' and a dataloader of K batches)",
            )
    assert epochs is not None and steps_per_epoch is not None
    if epochs < 1:
        raise LrschedError(
            "epochs", f"must be at least 1 (max_duration='{epochs}ep' trains nothing), got {epochs}"
        )
    rates, found = reproduction.run(epochs, steps_per_epoch, None)
    notes = reproduction.notes
    ran = reproduction._replace(rates=rates, notes=lambda rows: [*notes(rows), *found], run=None)
    return ran, epochs * steps_per_epoch, None


def _planner(
    reproduction: Reproduction, lr: float | None, spread: int | None, rows: int, steps_per_epoch: int | None
) -> Planner:
    """For ``--check-run``'s diagnosis: the framework's rates again, past the rows where it
    goes on; no other change (a call's length is the framework's own argument)."""
    from lrsched_cli.check.diagnose import Change, Planner

    def rates(change: Change) -> Iterable[float]:
        if change != Change():
            raise LrschedError("expr", "cannot change the call")
        again: Iterable[float] = reproduction.rates(lr)
        if spread is not None:
            again = chain.from_iterable(repeat(rate, spread) for rate in again)
        return again

    return Planner(rates, lambda change: "as planned", updates_per_epoch=steps_per_epoch, rows=rows)


def print_port(
    reproduction: Reproduction, lr: float | None, rows: int, target: str, delivery: Delivery, quiet: bool
) -> None:
    """``--emit TARGET``: the schedule written for the target, checked on the ``rows`` rows."""
    from lrsched_cli.frameworks.porting import port

    try:
        ported = port(reproduction, lr, rows, target)
    except EmitError as error:
        message = f"{target} cannot reproduce {reproduction.scheduler} exactly: {error}"
        raise LrschedError("emit", message) from None
    with destination(delivery.output) as stream:
        stream.write(ported.code + "\n")
    if not quiet:
        for note in ported.notes:
            typer.echo(f"note: {note}", err=True)


def _compute(rates: Iterator[float], rows: int) -> array[float] | None:
    """Compute every row before writing any: where the framework fails part-way (a lambda
    dividing by zero at step 50000) or a rate overflows, the usage error leaves stdout empty.

    Returns the rates when there are at most `HELD_ROWS`, so that they are computed once; else
    None, and the caller computes them again as it writes.
    """
    held: array[float] | None = array("d")
    computing = islice(rates, rows)
    for start in count(1, CHUNK):
        chunk = list(islice(computing, CHUNK))
        if not chunk:
            return held
        if not all(map(math.isfinite, chunk)):
            bad = next(i for i, rate in enumerate(chunk) if not math.isfinite(rate))
            raise DialectError(None, RateError(start + bad, chunk[bad]).message)
        if held is not None:
            held.extend(chunk)
            if len(held) > HELD_ROWS:
                held = None
    raise AssertionError("count() never ends")


from_command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [*inspect.signature(from_options, eval_str=True).parameters.values(), *DELIVERY]
)


def _help() -> str:
    """The help, naming every framework's record (not its schedulers: counting those would load
    every framework's module): written when it is shown, so a run loads no record it does not use."""
    names = ", ".join(record.name for record in FRAMEWORKS.values())
    return HELP + f"\n\nFrameworks: {names}; each one's schedulers: README, 'Reproduce your framework'."


def add_from(app: typer.Typer, run: Runner) -> None:
    app.command(
        "from",
        cls=later_help(_help),
        help=HELP,
        short_help="Reproduce a PyTorch/Keras/optax/HF/timm/DeepSpeed/MMEngine/Megatron scheduler call.",
        epilog=EPILOG,
    )(run(from_command, {"expr": "EXPR"}))
