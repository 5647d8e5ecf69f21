"""The options commands share, each declared once, and the one place names become flags.

Schedule commands take the shaping options (rows, warmup, per-step rows, --emit) and the
delivery options (format, checks, output): one per field of `Delivery`, which declares their
names and defaults; here each gets its flag and help. Every command that prints rows takes the
delivery options, so a new output option reaches all of them.
"""

import inspect
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.core import Context, Parameter
from typer._click.types import FloatParamType, FloatRange, IntParamType, IntRange, ParamType
from typer._types import TyperChoice
from typer.core import TyperCommand

from lrsched_cli.output import SUFFIXES, Format
from lrsched_cli.output.deliver import Delivery
from lrsched_cli.registry import LARGEST, PARAMS


def flag(name: str) -> str:
    """The command-line spelling of a snake_case parameter: the one place names are converted."""
    return "--" + name.replace("_", "-")


class _Finite(FloatParamType):
    """A float option: Typer accepts nan, inf and 1e309 as floats; lrsched refuses them everywhere,
    and reads -0 as 0. A type rather than a callback: Typer inspects every callback's signature
    at every start."""

    def convert(self, value: Any, param: Parameter | None, ctx: Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"must be a finite number, got {number}", param, ctx)
        return zero_unsigned(number)


class _FiniteRange(_Finite, FloatRange):
    pass


class _Bounded(IntParamType):
    """An integer option: beyond `LARGEST` no float holds it exactly."""

    def convert(self, value: Any, param: Parameter | None, ctx: Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if abs(number) > LARGEST:
            digits = str(number)  # 2**1024 has 309 digits: a message quotes the first few
            shown = digits if len(digits) <= 20 else f"{digits[:12]}... ({len(digits)} digits)"
            self.fail(f"must be at most {LARGEST}, got {shown}", param, ctx)
        return number


class _BoundedRange(_Bounded, IntRange):
    pass


def finite(min: float | None = None) -> ParamType:
    """The type of a float option (``click_type``), at least ``min`` where given."""
    return _Finite() if min is None else _FiniteRange(min=min)


def bounded(min: int | None = None) -> ParamType:
    """The type of an integer option (``click_type``), at least ``min`` where given."""
    return _Bounded() if min is None else _BoundedRange(min=min)


def zero_unsigned(value: float | None) -> float | None:
    """-0.0 as 0.0: a typed ``-0`` is zero, and would otherwise print as ``-0.000000``."""
    return 0.0 if value == 0 else value


def rows_option(help_text: str) -> Any:
    """``--epochs/-n``, the row count, with a command's own words for its default."""
    return typer.Option("--epochs", "-n", click_type=bounded(min=0), help=help_text, show_default=False)


def epochs_option(default: str) -> Any:
    """A schedule command's --epochs/-n, its help saying what the default is for that command."""
    help_text = f"Epochs to show: a row each, or --steps-per-epoch rows each [default: {default}]."
    return Annotated[int | None, rows_option(help_text)]


Epochs = Annotated[int | None, rows_option("Rows to show [default: the schedule's natural length, else 30].")]
FORMAT_HELP = (
    "Output format{which} [default: from --output's extension ({suffixes}), else {default}; a "
    "--format the extension contradicts is an error]."
)
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help=FORMAT_HELP.format(which="", suffixes=" ".join(SUFFIXES), default=Format.blog),
        show_default=False,
    ),
]
Precision = Annotated[
    int | None,
    typer.Option(
        min=0,
        max=17,
        help="Decimals in blog and table output [default: 6, or more when the largest rate of the first "
        "4096 rows would show fewer than 3 significant digits]; significant digits in captions [default: 6].",
        show_default=False,
    ),
]
Warmup = Annotated[
    int,
    typer.Option(
        click_type=bounded(min=0),
        help="Epochs of linear warmup before the schedule starts (in steps: --warmup-steps; a "
        "fraction of the run: --warmup-ratio; give one of the three).",
    ),
]
WarmupSteps = Annotated[
    int | None,
    typer.Option(
        click_type=bounded(min=0),
        help="Steps of linear warmup instead of --warmup's epochs: optimizer steps with "
        "--steps-per-epoch, else epochs.",
        show_default=False,
    ),
]
WarmupRatio = Annotated[
    float | None,
    typer.Option(
        click_type=finite(),
        help="Warmup as a fraction of the run's rows (--epochs, required), rounded up to whole "
        "steps as Hugging Face's warmup_ratio: ceil(ratio x rows).",
        show_default=False,
    ),
]
ByEpoch = Annotated[
    bool,
    typer.Option(
        "--by-epoch",
        help="With --steps-per-epoch: step the schedule once per epoch, each epoch's rate held for "
        "its steps, and let the warmup (in steps) cover the run's first steps, ramping to the rate "
        "where it ends (Detectron2's WarmupParamScheduler; MMEngine's per-iteration warmup before "
        "a by_epoch scheduler).",
    ),
]
WarmupStartLr = Annotated[
    float,
    typer.Option(
        click_type=finite(),
        help="Rate the warmup starts from, ramping to the schedule's first (with --by-epoch: to its rate "
        "where the warmup ends).",
    ),
]
IN_STEPS = ", ".join(flag(name) for name, param in PARAMS.items() if param.unit == "steps")
StepsPerEpoch = Annotated[
    int | None,
    typer.Option(
        click_type=bounded(min=1),
        help="Show one row per optimizer step, K per epoch. Durations in epochs (--epochs, --warmup, "
        f"--step-size, --t-max, ...) are multiplied by K; those in steps ({IN_STEPS}) count "
        "optimizer steps as given.",
    ),
]
Expect = Annotated[
    list[str] | None,
    typer.Option(
        metavar="ROW=RATE",
        help="Check instead of writing: row ROW must have rate RATE, to half a unit in its last "
        "digit (repeatable; exit 1 if not).",
        show_default=False,
    ),
]
CheckFile = Annotated[
    str | None,
    typer.Option(
        "--check",
        metavar="FILE",
        help="Check instead of writing: the rows must equal FILE, CSV, JSON or JSON Lines that "
        "lrsched wrote ('-' for stdin; exit 1 if not).",
        show_default=False,
    ),
]
CheckRun = Annotated[
    str | None,
    typer.Option(
        "--check-run",
        metavar="LOG",
        help="Check instead of writing: the rates a training run logged must be the rows' (exit 1 "
        "if not, with a diagnosis). LOG: transformers' trainer_state.json, Lightning's metrics.csv, "
        "MMEngine's scalars.json, a TensorBoard event file or run folder, an MLflow run folder or "
        "metric file, a W&B CSV export; the format is read from the content.",
        show_default=False,
    ),
]
Tag = Annotated[
    str | None,
    typer.Option(
        metavar="NAME",
        help="The series of --check-run's LOG to check [default: the logger's learning rate].",
        show_default=False,
    ),
]
Tol = Annotated[
    float | None,
    typer.Option(
        click_type=finite(min=0),
        help="Absolute tolerance for --expect, --check and --check-run.",
        show_default=False,
    ),
]
Rtol = Annotated[
    float | None,
    typer.Option(
        click_type=finite(min=0),
        help="Relative tolerance for --expect, --check and --check-run.",
        show_default=False,
    ),
]
LogY = Annotated[
    bool,
    typer.Option("--log-y", help="Draw the rate on a log axis (plot, png, svg); rates <= 0 are left out."),
]


def output_path(text: str) -> Path:
    """``--output``'s value: a file. A name ending in a slash names a folder (which ``Path``
    would forget, writing a file of that name instead)."""
    if text != "-" and text.endswith(("/", os.sep)):
        raise typer.BadParameter(f"must name a file, not a folder: {text!r}")
    return Path(text)


Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        parser=output_path,
        metavar="FILE",
        help="Write to this file ('-': stdout); it is replaced only when complete. Without "
        f"--format, a known extension chooses the format: {' '.join(SUFFIXES)} (.txt: text).",
        show_default=False,
    ),
]


class LaterChoice(TyperChoice[str]):
    """Typer's choice among strings, the strings computed when first needed (a value given, help,
    completion): ``--emit``'s are the FRAMEWORKS table's, which a plain run never loads."""

    def __init__(self, choices: Callable[[], Sequence[str]]) -> None:
        self._later = choices
        self.case_sensitive = True

    def __getattr__(self, name: str) -> Any:
        if name != "choices":
            raise AttributeError(name)
        self.choices = self._later()
        return self.choices


class LaterHelp(TyperCommand):
    """A command whose help is written when it is shown, by its class's ``later`` (`later_help`):
    a help that lists every framework or trainer would load their records on every run."""

    later: Callable[[], str]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.help = self.later()
        super().format_help(ctx, formatter)


def later_help(text: Callable[[], str]) -> type[TyperCommand]:
    """The command class (``app.command(cls=...)``) whose help is ``text()``, written when shown."""
    return type("LaterHelp", (LaterHelp,), {"later": staticmethod(text)})


def _emit_targets() -> Sequence[str]:
    from lrsched_cli.frameworks import emit_targets

    return emit_targets()


EmitTo = Annotated[
    str | None,
    typer.Option(
        "--emit",
        click_type=LaterChoice(_emit_targets),
        help="Print instead one Python expression building this schedule in FRAMEWORK, with the same "
        "rates (torch, hf, timm: to a relative 1e-9; keras, optax: to 1e-6 of the peak; exit 2 if it "
        "cannot); torch, hf and timm scale an `optimizer` built with lr=--lr. A line ending in "
        "'# lrsched: N rows' states the rows it was checked on, which `lrsched from` reads. lrsched: "
        "the generic command line, every parameter resolved.",
        show_default=False,
    ),
]


def shaping_options(
    epochs: Epochs = None,
    warmup: Warmup = 0,
    warmup_steps: WarmupSteps = None,
    warmup_ratio: WarmupRatio = None,
    warmup_start_lr: WarmupStartLr = 0.0,
    steps_per_epoch: StepsPerEpoch = None,
    by_epoch: ByEpoch = False,
    emit_to: EmitTo = None,
) -> None:
    """Never called: its signature declares what every schedule command adds to its own options."""


def keyword_parameters(declaration: Callable[..., Any]) -> list[inspect.Parameter]:
    """The parameters a declaring function's signature holds, as keyword-only options."""
    parameters = inspect.signature(declaration, eval_str=True).parameters.values()
    return [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in parameters]


DELIVERY_OPTIONS: dict[str, Any] = {
    "format": FormatOption,
    "precision": Precision,
    "expect": Expect,
    "check": CheckFile,
    "check_run": CheckRun,
    "tag": Tag,
    "tol": Tol,
    "rtol": Rtol,
    "log_y": LogY,
    "output": Output,
}
"""The flag and help of each `Delivery` field; the fields, their order and defaults are Delivery's."""


def delivery_parameters() -> list[inspect.Parameter]:
    """The delivery options every command that prints rows takes: one per `Delivery` field."""
    return [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=DELIVERY_OPTIONS[name]
        )
        for name, default in Delivery._field_defaults.items()
    ]


SHAPING = keyword_parameters(shaping_options)
DELIVERY = delivery_parameters()
