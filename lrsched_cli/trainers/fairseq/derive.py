"""fairseq's schedule, from ``fairseq-train``'s arguments (facebookresearch/fairseq ``3d262bb2``).

- ``--lr-scheduler NAME`` (default ``fixed``) picks the schedule; its options are its config
  dataclass's fields, dashed (``--warmup-updates`` is ``warmup_updates``), with the dataclass's
  defaults; fairseq's argparse knows only the chosen schedule's, so another's is refused;
- ``--lr`` (``optimization.lr``, default 0.25; a comma list is one rate per epoch) and
  ``--max-update`` (``optimization.max_update``) fill the config's interpolated fields;
- the trainer calls ``step_update(num_updates)`` after every update (trainer.py 1207-1209), so
  update k applies the rate of ``step_update(k - 1)``; training stops at ``--max-update``
  (fairseq_cli/train.py 384-393). ``--update-freq`` accumulates batches into one update, already
  counted by ``num_updates``.

An epoch's number of updates follows from ``--max-tokens`` batching over the data, which lrsched
does not see: the rows are the ``--max-update`` updates, and what happens at epoch boundaries
(``--max-epoch``, ``force_anneal``, a per-epoch ``--lr`` list) is refused or noted.
"""

from __future__ import annotations

import ast
import difflib
import shlex
from typing import Any

from lrsched_cli.trainers.base import (
    OPTIMIZER,
    ConfigError,
    Derivation,
    Run,
    line,
    no_batch_size,
    release,
    repr_call,
)
from lrsched_cli.trainers.fairseq import TRAINER
from lrsched_cli.trainers.fairseq.fields import OPTIONS, SCHEDULES

FILLED = ("lr", "max_update", "total_num_update")
"""Config fields fairseq fills from ``optimization.*`` (``II(...)``)."""


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    no_batch_size(run, "--batch-size")
    given = _arguments(values.get("arguments", ""))
    for key, value in values.items():
        if key != "arguments":
            given[key.replace("-", "_")] = value
    lines: list[str] = []
    notes: list[str] = []

    name = str(_take(given, "lr_scheduler", "fixed"))
    if name not in SCHEDULES:
        close = difflib.get_close_matches(name, SCHEDULES, n=2)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        known = (
            "reduce_lr_on_plateau (it follows a metric: use lrsched plateau), "
            if name == "reduce_lr_on_plateau"
            else ""
        )
        raise ConfigError(
            "--lr-scheduler", f"{name!r} is not one lrsched follows{hint}: {known}{', '.join(SCHEDULES)}"
        )
    schedule, config_name = SCHEDULES[name]
    fields = OPTIONS[name]
    lr = _lr(_take(given, "lr", "0.25"))
    max_update = _integer("--max-update", _take(given, "max_update", "0"))
    if max_update <= 0:
        raise ConfigError(
            "--max-update",
            "is 0 (fairseq's default): training then ends at --max-epoch, whose length in updates depends on "
            "--max-tokens batching; give --max-update",
        )
    max_epoch = _integer("--max-epoch", _take(given, "max_epoch", "0"))
    update_freq = given.pop("update_freq", None)

    arguments: dict[str, Any] = {}
    other = {flag for options in OPTIONS.values() for flag in options}
    for key in list(given):
        if key in fields and key not in FILLED:
            arguments[key] = _value(key, given.pop(key), fields[key])
        elif key in other and key not in FILLED:
            raise ConfigError(
                f"--{key.replace('_', '-')}",
                f"is not an option of --lr-scheduler {name} (fairseq's argparse refuses it); its options: "
                + ", ".join(f"--{f.replace('_', '-')}" for f in fields if f not in FILLED),
            )
        else:
            close = difflib.get_close_matches(key, [f for f in fields if f not in FILLED], n=1, cutoff=0.85)
            if close:
                raise ConfigError(
                    f"--{key.replace('_', '-')}",
                    f"is not an option of {name}: did you mean --{close[0].replace('_', '-')}?",
                )
    if "max_update" in fields:
        arguments["max_update"] = max_update
    if "total_num_update" in fields:
        arguments.setdefault("total_num_update", max_update)
        if "total_num_update" not in given:
            lines.append(line("total_num_update", "--max-update", max_update))

    if len(lr) > 1:
        raise ConfigError(
            "--lr",
            f"{','.join(map(repr, lr))}: several rates are one per epoch, whose length in updates "
            "lrsched does not know",
        )
    if arguments.get("force_anneal") is not None:
        raise ConfigError(
            "--force-anneal", "acts at epoch boundaries, whose length in updates lrsched does not know"
        )
    lines.append(line("updates", "--max-update", max_update))
    if update_freq is not None:
        lines.append(f"batches per update = --update-freq {update_freq} (already counted in the updates)")
    if max_epoch:
        notes.append(
            f"--max-epoch: training also stops after epoch {max_epoch}, which may come before --max-update "
            f"{max_update} (an epoch's updates depend on --max-tokens batching, which lrsched does not see)"
        )
    _notes(name, arguments, notes)
    config = repr_call(config_name, [], arguments)
    call = f"{schedule}({config}, {OPTIMIZER!r})"
    derived = {
        "world_size": run.world_size,
        "samples": run.samples,
        "batches_per_epoch": None,
        "updates_per_epoch": max_update,
        "total_updates": max_update,
        "warmup_updates": arguments.get("warmup_updates", arguments.get("warmup_steps")),
    }
    resolved = {"lr_scheduler": name, "lr": lr, "max_update": max_update, "max_epoch": max_epoch, **arguments}
    return Derivation(
        version=version,
        config=resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=call,
        lr=float(lr[0]),
        updates_per_epoch=max_update,
        total_updates=max_update,
        frameworks=("fairseq",),
        argument_key=lambda argument: (
            "--lr-scheduler" if argument is None else f"--{argument.replace('_', '-')}"
        ),
    )


def _notes(name: str, arguments: dict[str, Any], notes: list[str]) -> None:
    if name == "inverse_sqrt" and "warmup_updates" not in arguments:
        notes.append("--warmup-updates is not given: inverse_sqrt warms up for its default, 4000 updates")
    if name == "polynomial_decay" and "power" not in arguments:
        notes.append(
            "--power is not given: polynomial_decay's default power 1.0 decays linearly (fairseq#2466)"
        )
    if name == "tri_stage" and arguments.get("phase_ratio") is not None:
        notes.append("--phase-ratio: each phase is int(max_update x ratio) updates, truncated")
    if name == "cosine" and arguments.get("lr_period_updates", -1) <= 0:
        notes.append(
            "--lr-period-updates is not given: the cosine's period is --max-update - --warmup-updates"
        )


def _arguments(text: str) -> dict[str, Any]:
    """``--flag value`` pairs (and ``--flag=value``, a flag alone is true), flags as field names;
    words before the first flag (the program, the data directory) and after a flag's first value
    are not read."""
    try:
        tokens = [token for token in shlex.split(text, comments=True) if token.strip()]
    except ValueError as error:
        raise ConfigError(None, f"the arguments do not parse as a command line: {error}") from None
    found: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not token.startswith("--"):
            continue
        flag, equals, value = token[2:].partition("=")
        if not equals:
            if i < len(tokens) and not tokens[i].startswith("--"):
                value, i = tokens[i], i + 1
            else:
                value = "True"
        found[flag.replace("-", "_")] = value
    return found


def _take(given: dict[str, Any], key: str, default: str) -> Any:
    return given.pop(key, default)


def _lr(value: Any) -> list[float]:
    """``--lr 5e-4`` or ``--lr 0.1,0.01`` (fairseq's ``eval_str_list``)."""
    parsed = _literal(value) if isinstance(value, str) else value
    items = list(parsed) if isinstance(parsed, (list, tuple)) else [parsed]
    if not items or not all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in items):
        raise ConfigError("--lr", f"expected a learning rate or a comma list of them, got {value!r}")
    if any(item < 0 for item in items):
        raise ConfigError("--lr", f"must be at least 0 (optimizers refuse a negative rate), got {value!r}")
    return [float(item) for item in items]


def _integer(flag: str, value: Any) -> int:
    parsed = _literal(value) if isinstance(value, str) else value
    if isinstance(parsed, bool) or not isinstance(parsed, int):
        raise ConfigError(flag, f"expected an integer, got {value!r}")
    return parsed


def _value(key: str, value: Any, kind: str) -> Any:
    """An option's value as argparse converts it to its field's type (``int``, ``float``)."""
    parsed = _literal(value) if isinstance(value, str) else value
    flag = f"--{key.replace('_', '-')}"
    if key == "phase_ratio":
        if not isinstance(parsed, (list, tuple)):
            raise ConfigError(flag, f"expected three ratios, like '(0.1, 0.4, 0.5)', got {value!r}")
        return list(parsed)
    if isinstance(parsed, bool) or not isinstance(parsed, (int, float)):
        raise ConfigError(flag, f"expected a number, got {value!r}")
    if kind.startswith("int") and not isinstance(parsed, int):
        raise ConfigError(flag, f"expected an integer, got {value!r}")
    return float(parsed) if kind == "float" else parsed


def _literal(text: str) -> Any:
    """A value as fairseq reads it: a Python literal (``ast.literal_eval``, nothing executed), or
    a comma list of them."""
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text  # not a literal: the caller says what it expected
