"""``lrsched trainer NAME [CONFIG]``: the schedule a trainer will run, from its config and your data.

A thin client of `lrsched_cli.trainers` and `lrsched_cli.frameworks`: the trainer derives its
step counts and the scheduler call it makes with them; the framework's own schedule function,
reproduced as for ``lrsched from``, gives the rates. One row per optimizer update, delivered as
every command's rows are; the derivation and the trap notes go to stderr first.

Annotations are evaluated as the module loads (no postponed evaluation): Typer reads the
command's annotations at every run, and would otherwise compile and evaluate each string.
"""

import inspect
import sys
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lrsched_cli.cli import trainer_run
from lrsched_cli.cli.boundary import Runner
from lrsched_cli.cli.options import DELIVERY, EmitTo, bounded, later_help
from lrsched_cli.errors import LrschedError
from lrsched_cli.frameworks.dispatch import Reproduction
from lrsched_cli.output import Format, Series, format_for
from lrsched_cli.output.deliver import Delivery, Rows, check_output_options
from lrsched_cli.trainers import TRAINERS, Derivation, Run, derive
from lrsched_cli.trainers.base import ConfigError, release
from lrsched_cli.trainers.config import hint, override

if TYPE_CHECKING:
    from lrsched_cli.check.diagnose import Planner

HELP = """Show the schedule a trainer will really run, from its config and your data.

Give the trainer's config (JSON or YAML, '-' for stdin), the dataset's length and the number of
processes; lrsched follows the trainer's own arithmetic (batches per process, gradient
accumulation, epochs or max steps, warmup) and prints one row per optimizer update: the rate
that update applies. The derivation and the trainer's traps go to stderr first (--quiet: not).
Nothing in the config is executed.
"""


def _trainers_help() -> str:
    parts = []
    for record in TRAINERS.values():
        versions = "; ".join(f"{version}: {what}" for version, what in record.versions.items())
        parts.append(
            f"{record.key} ({record.name}): CONFIG is {record.config}. Versions that differ: {versions}."
        )
    return "\n\n".join(parts)


EPILOG = """\b
Examples:
  lrsched trainer hf args.yaml --samples 1000 --world-size 3
  lrsched trainer hf --set num_train_epochs=3 --set warmup_steps=0.1 --samples 1000 -f csv
  lrsched trainer hf args.json --samples 1000 --version 4.48 --quiet
  lrsched trainer deepspeed ds_config.json --samples 1000 --world-size 8 --epochs 3
"""

Name = Annotated[str, typer.Argument(metavar="NAME", help="The trainer: " + ", ".join(TRAINERS) + ".")]
ConfigFile = Annotated[
    str | None,
    typer.Argument(
        metavar="CONFIG",
        help="The trainer's config, JSON or YAML, or a file of launch arguments (fairseq) ('-': stdin).",
        show_default=False,
    ),
]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Set one config key (dotted for nesting), VALUE read as YAML reads a scalar or a flow "
        "list; overrides CONFIG (repeatable).",
        show_default=False,
    ),
]
Samples = Annotated[
    int | None,
    typer.Option(
        click_type=bounded(min=1),
        help="The number of training samples: len(train_dataset).",
        show_default=False,
    ),
]
WorldSize = Annotated[
    int, typer.Option(click_type=bounded(min=1), help="Data-parallel processes (GPUs across nodes).")
]
BatchSize = Annotated[
    int | None,
    typer.Option(
        click_type=bounded(min=1),
        help="The dataloader's batch size, where the config has none.",
        show_default=False,
    ),
]
Version = Annotated[
    str | None,
    typer.Option(
        "--version",
        help="Follow this release's arithmetic where it changed [default: the newest known].",
        show_default=False,
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print neither the derivation nor the notes.")]
LoopEpochs = Annotated[
    int | None,
    typer.Option(
        "--epochs",
        click_type=bounded(min=1),
        help="Passes of your own training loop over the data, for a trainer whose config has no "
        "run length (deepspeed).",
        show_default=False,
    ),
]


def trainer_options(
    name: Name,
    config: ConfigFile = None,
    sets: Sets = None,
    samples: Samples = None,
    world_size: WorldSize = 1,
    batch_size: BatchSize = None,
    version: Version = None,
    quiet: Quiet = False,
    epochs: LoopEpochs = None,
    emit_to: EmitTo = None,
) -> None:
    """Never called: its signature declares the options of `trainer` besides the delivery ones."""


def trainer_command(
    name: str,
    config: str | None,
    sets: list[str] | None,
    samples: int | None,
    world_size: int,
    batch_size: int | None,
    version: str | None,
    quiet: bool,
    epochs: int | None,
    emit_to: str | None,
    **options: Any,
) -> Rows | None:
    delivery = Delivery(**options)
    if emit_to is not None:
        from lrsched_cli.cli.schedule import emit_alone

        emit_alone(delivery)
    if delivery.checking:
        delivery.checks()  # parsed now: a malformed --expect fails before any work
    fmt = format_for(delivery.format, delivery.output, Format.blog)
    check_output_options(fmt, log_y=delivery.log_y, output=delivery.output)
    if name not in TRAINERS:
        raise LrschedError(
            "name", f"unknown trainer {name!r}{hint(name, TRAINERS)}; known: {', '.join(TRAINERS)}"
        )
    if epochs is not None and not TRAINERS[name].loop:
        raise LrschedError(
            "epochs", f"is for a trainer whose config has no run length; {name}'s config has one"
        )
    values, from_set = override(trainer_run.read(config, name), sets or [])
    run = Run(samples=samples, world_size=world_size, batch_size=batch_size, version=version, epochs=epochs)
    try:
        derivation = derive(name, values, run)
        if derivation.total_updates > sys.maxsize:  # more rows than a row counter holds
            raise ConfigError(
                derivation.argument_key(None),
                f"{derivation.total_updates} updates: more rows than lrsched can count "
                f"(at most {sys.maxsize})",
            )
        reproduction = trainer_run.scheduler_of(derivation)
        rates = trainer_run.rates_of(reproduction, derivation)
        held = trainer_run.dry_run(rates(), derivation)
    except ConfigError as error:
        if error.key is not None and any(
            error.key == key or error.key.startswith(key + ".") for key in from_set
        ):
            raise LrschedError("sets", error.message) from None
        raise
    if emit_to is not None:
        _print_port(reproduction, derivation, emit_to, delivery, quiet)
        return None
    params = {
        "trainer": name,
        "version": derivation.version,
        "config": derivation.config,
        "derived": derivation.derived,
        "scheduler": derivation.scheduler,
        "lr": derivation.lr,
    }
    if not quiet:
        used = derivation.scheduler_rows or derivation.total_updates
        moot = (*derivation.moot, "--lr ")  # the optimizer's rate is the config's, not an option
        framework = list(reproduction.notes(used))
        if not reproduction.needs_lr:
            framework.append(
                f"the optimizer's learning rate ({derivation.lr:g}) is not used: "
                f"{reproduction.scheduler} sets the rates itself"
            )
        framework = [note for note in framework if not note.startswith(moot)]
        notes = [*derivation.notes, *trainer_run.length_notes(reproduction, derivation, used), *framework]
        for text in derivation.lines:
            typer.echo(text, err=True)
        for note in notes:
            typer.echo(f"note: {note}", err=True)
    computed = held if held is not None else rates()  # a long run computes its rates again as it writes
    series = Series("trainer", params, computed, steps_per_epoch=derivation.updates_per_epoch)
    planner = _planner(name, values, run, derivation, rates) if delivery.check_run else None
    return Rows(series, delivery, planner=planner)


def _planner(name: str, values: dict[str, Any], run: Run, derivation: Derivation, rates: Any) -> "Planner":
    """For ``--check-run``'s diagnosis: the trainer's rows derived again with another world
    size, accumulation, batch size or length, each set by the key the trainer declares."""
    from lrsched_cli.check.diagnose import Change, Planner

    keys = TRAINERS[name].keys
    fields = {"accumulation": "accumulation", "batch_size": "batch_size", "length": "max_steps"}

    def again(change: Change) -> Any:
        if change == Change():
            return rates()
        changed, other = dict(values), run
        if change.world_size is not None:
            other = run._replace(world_size=change.world_size)
        for field, key in fields.items():
            value = getattr(change, field)
            if value is not None:
                changed, _ = override(changed, [f"{keys[key]}={value}"])
        derived = derive(name, changed, other)
        return trainer_run.rates_of(trainer_run.scheduler_of(derived), derived)()

    def say(change: Change) -> str:
        if change.world_size is not None:
            return f"--world-size {change.world_size}"
        field = next(field for field in fields if getattr(change, field) is not None)
        return f"--set {keys[fields[field]]}={getattr(change, field)}"

    changes = frozenset({"world_size", *(field for field, key in fields.items() if key in keys)})
    current = Change(
        length=derivation.total_updates,
        world_size=run.world_size,
        accumulation=_int(derivation.config.get(keys.get("accumulation", ""))),
        batch_size=_int(derivation.config.get(keys.get("batch_size", ""))),
    )
    record = TRAINERS[name]
    before = record.logs_next_before
    logged_next = None
    if before is not None and release(record, derivation.version)[1] < release(record, before)[1]:
        words = (
            f"{record.name} before {before}: step = updates done (1-based); the rate after the "
            "scheduler stepped, the next update's (row = step + 1)"
        )
        logged_next = (name, words)
    return Planner(
        again, say, changes, current, derivation.updates_per_epoch, derivation.total_updates, logged_next
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _print_port(
    reproduction: Reproduction, derivation: Derivation, target: str, delivery: Delivery, quiet: bool
) -> None:
    """``--emit TARGET``: the per-update schedule, written for the target (``lrsched``: as the
    generic command line), checked on every update."""
    from lrsched_cli.cli.from_ import print_port

    steps = derivation.steps
    once_per_update = steps is None or all(
        wanted == t for t, wanted in enumerate(islice(steps(), derivation.total_updates))
    )
    if not once_per_update:
        raise LrschedError(
            "emit",
            f"{target} cannot reproduce this run exactly: the trainer steps {reproduction.scheduler} "
            "other than once per update, and --emit writes a schedule of the update",
        )
    print_port(reproduction, derivation.lr, derivation.total_updates, target, delivery, quiet)


trainer_command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [*inspect.signature(trainer_options, eval_str=True).parameters.values(), *DELIVERY]
)


def add_trainer(app: typer.Typer, run: Runner) -> None:
    app.command(
        "trainer",
        cls=later_help(lambda: HELP + "\n\n" + _trainers_help()),  # it lists every trainer's record
        help=HELP,
        short_help="The schedule a trainer (hf, ...) runs, from its config and your data.",
        epilog=EPILOG,
    )(run(trainer_command, {"name": "NAME", "config": "CONFIG", "sets": "--set"}))
