"""Why a run's logged rates differ from the plan: the simplest change of the plan that fits.

The changes are tried in this order, the first that explains every point compared wins:

1. the plan is shorter than the run (the rows end before the log does);
2. shifted by one update: the logged rate is the next update's (transformers before 4.51
   logged it after the scheduler stepped), or the previous one's;
3. a different world size, then a different gradient accumulation, then a different batch
   size (re-derived by the trainer, from ``lrsched trainer``), or from other commands the
   schedule run k times as fast, or as slow (a scheduler stepped k times per update: once per
   process under accelerate, once per micro-batch);
4. stepped once per epoch instead of once per update;
5. a different total length (the value that fits is searched);
6. updates that did not step the scheduler (skipped: an fp16 overflow), where and how many;
7. resumed from a checkpoint with a schedule recomputed for another length.

A change fits when it gives every compared point its logged rate and explains at least one
point the plan does not; a change under which the plan is constant over the points proves
nothing and is not taken. When nothing fits, the diagnosis says so.

The diagnosis reads the first `SAMPLE` points of the log and computes the plan again
(`Planner`), holding at most `HELD` rates: memory stays flat on any log.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, NamedTuple

from lrsched_cli.errors import LrschedError

if TYPE_CHECKING:
    from lrsched_cli.check.logged import LogChecker

HELD = 1 << 20
"""The most planned rates the diagnosis holds (8 MiB)."""
FACTORS = (2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 32, 64)
"""How many times as fast (or slow) as planned a schedule may have run: world sizes and
accumulations people use."""
SKIPS = 32
"""The most updates skipped between two logged points the diagnosis looks for."""
LENGTHS = 200
"""The most total lengths tried one by one; a wider range is narrowed first (`_search`)."""


class Change(NamedTuple):
    """One change of the plan, for `Planner.rates`; None fields are unchanged."""

    length: int | None = None
    world_size: int | None = None
    accumulation: int | None = None
    batch_size: int | None = None


class Planner(NamedTuple):
    """How a command computes its rows again, with a change (built by the command line).

    ``rates(change)`` yields row 1, 2, ... of the plan so changed (``Change()``: as planned;
    it may go on past the plan's rows where the schedule does), or raises `LrschedError` when
    the change cannot be made. ``say(change)`` names the change as the user makes it
    (``--t-max 20``, ``--set max_steps=20``). ``changes`` lists the fields of `Change` it can
    make; ``current`` their planned values.
    """

    rates: Callable[[Change], Iterable[float]]
    say: Callable[[Change], str]
    changes: frozenset[str] = frozenset()
    current: Change = Change()
    updates_per_epoch: int | None = None
    rows: int | None = None
    """The plan's row count, when known."""
    logged_next: tuple[str, str] | None = None
    """A trainer whose logs, at the release this plan follows, hold at each update the next
    update's rate, and that in words: its logs are read so (`lrsched_cli.check.logged`)."""


Fits = Callable[[float, float], bool]
Sample = list[tuple[int, float]]


class Held:
    """The plan's rates from row 1, computed once and held, up to `HELD`."""

    def __init__(self, rates: Iterable[float], rows: int) -> None:
        self.rates = array("d")
        try:
            for rate in islice(rates, min(rows, HELD)):
                self.rates.append(rate)
        except LrschedError:  # the schedule ends there (the framework raises)
            pass

    def at(self, row: int) -> float | None:
        return self.rates[row - 1] if 1 <= row <= len(self.rates) else None


def _fits(sample: Sample, planned: Callable[[int], float | None], fits: Fits, wrong: set[int]) -> int:
    """How many points the mapping compares, if it fits all of them and explains one the plan
    gets wrong and is not constant over them; else 0."""
    compared, explains, values = 0, False, set()
    for index, (_, logged) in enumerate(sample):
        want = planned(index)
        if want is None:
            continue
        if not fits(want, logged):
            return 0
        compared += 1
        values.add(want)
        explains = explains or index in wrong
    return compared if explains and len(values) > 1 else 0


def diagnose(checker: LogChecker, planner: Planner | None) -> list[str]:
    """The report's diagnosis lines."""
    sample = checker.sample
    if planner is None or not sample:
        return ["diagnosis: none (this command cannot compute its plan again)"]
    fits = checker.allows
    last = max(row for row, _ in sample)
    try:
        plan = Held(planner.rates(Change()), last * max(FACTORS) + 1)
    except LrschedError:
        return ["diagnosis: none (the plan cannot be computed again)"]
    end = planner.rows if planner.rows is not None else len(plan.rates)
    wrong = {
        i
        for i, (row, logged) in enumerate(sample)
        if row > end or (p := plan.at(row)) is None or not fits(p, logged)
    }
    rows = [row for row, _ in sample]
    partial = len(sample) < checker.report.compared + checker.report.past_end
    within = f" (in the first {len(sample)} points)" if partial else ""

    def mapped(rule: Callable[[int], int]) -> Callable[[int], float | None]:
        return lambda index: plan.at(rule(rows[index]))

    for words, rule in _mappings(planner, checker):
        if _fits(sample, mapped(rule), fits, wrong):
            return [f"diagnosis{within}: {words}"]
    for finder in (_rederived, _per_epoch, _length, _skipped, _resumed):
        found = finder(sample, plan, planner, fits, wrong)
        if found:
            return [f"diagnosis{within}: {found}"]
    return [
        f"diagnosis{within}: nothing fits. Not a plan too short, shifted by one update, run at another "
        "pace (world size, accumulation), stepped per epoch, of another length, with skipped "
        "updates, nor resumed with a recomputed schedule: the run used another schedule, rate or "
        "warmup than this plan; check the command's parameters against the run's config"
    ]


def _mappings(planner: Planner, checker: LogChecker) -> Iterator[tuple[str, Callable[[int], int]]]:
    """The changes that move rows (row -> the plan's row giving its rate), simplest first."""
    rows = planner.rows
    if rows is not None and checker.report.past_end:
        yield (
            f"the run is longer than the plan: the plan has {rows} rows, the log goes on to row "
            f"{max(row for row, _ in checker.sample)}, and every point fits the schedule continued "
            "(give the run's length: --epochs/-n)",
            lambda row: row,
        )
    yield (
        "shifted by one update: each logged rate is the plan's for the next update. The run "
        "logged the rate after the scheduler stepped, as transformers before 4.51 does, or its "
        "scheduler stepped once before the first update",
        lambda row: row + 1,
    )
    if planner.logged_next is not None:
        yield (
            "shifted by one update: the log holds each update's own rate, not the next update's as "
            "the release this plan follows logs it: the run's release logs the rate that update "
            "applied (transformers 4.51 on); give that --version",
            lambda row: row - 1,
        )
    yield (
        "shifted by one update: each logged rate is the plan's for the previous update. The run's "
        "scheduler starts a step late (its first update ran the initial rate twice)",
        lambda row: row - 1,
    )
    if planner.changes & {"world_size", "accumulation"}:
        return  # the trainer re-derives these (`_rederived`)
    for k in FACTORS:
        yield (
            f"the run went through the schedule {k} times as fast as planned: its scheduler stepped {k} "
            f"times per update (accelerate steps a prepared scheduler once per process: {k} "
            f"processes; or it was stepped per micro-batch with {k} accumulation steps), or the "
            f"schedule was sized for {k} times fewer updates",
            lambda row, k=k: k * (row - 1) + 1,  # type: ignore[misc]
        )
    for k in FACTORS:
        if k == planner.updates_per_epoch:
            continue  # stepped once per epoch: `_per_epoch` says so
        yield (
            f"the run went through the schedule {k} times as slowly as planned: its scheduler "
            f"stepped once every {k} updates (once per epoch, if an epoch is {k} updates: "
            "Lightning's default 'interval': 'epoch'), or the schedule was sized in micro-batches "
            f"(accumulation {k}) or for {k} processes",
            lambda row, k=k: (row - 1) // k + 1,  # type: ignore[misc]
        )


def _rederived(sample: Sample, plan: Held, planner: Planner, fits: Fits, wrong: set[int]) -> str | None:
    """A different world size, accumulation or batch size, derived again by the trainer."""
    named = {
        "world_size": "a world size",
        "accumulation": "a gradient accumulation",
        "batch_size": "a batch size",
    }
    if not wrong:
        return None
    probe, found = _Probe(sample, planner, fits, wrong), []
    for field, what in named.items():
        if field not in planner.changes:
            continue
        now = getattr(planner.current, field) or 1
        tried = sorted({now * k for k in FACTORS} | {now // k for k in FACTORS if now % k == 0} - {now, 0})
        for value in tried:
            change = Change(**{field: value})
            if probe.fit(change):
                found.append(f"{what} of {value}, not {now} ({planner.say(change)})")
                break
    if not found:
        return None
    return "the run fits " + ", or equally ".join(found)


def _per_epoch(sample: Sample, plan: Held, planner: Planner, fits: Fits, wrong: set[int]) -> str | None:
    """The scheduler stepped once an epoch: every update of epoch e ran the plan's row e."""
    known = planner.updates_per_epoch
    last = max(row for row, _ in sample)
    for k in [known] if known and known > 1 else range(2, min(last, 1024) + 1):
        if _fits(sample, _every(plan, sample, k), fits, wrong):
            return (
                f"the scheduler stepped once per epoch ({k} updates) instead of once per update: each "
                "epoch ran one row of the plan (Lightning's default 'interval': 'epoch': set "
                "'interval': 'step'; MMEngine's by_epoch=True; a PyTorch scheduler stepped in the "
                "epoch loop)"
            )
    return None


def _every(plan: Held, sample: Sample, k: int) -> Callable[[int], float | None]:
    """Point index -> the plan's rate when the scheduler steps once every ``k`` updates."""
    return lambda index: plan.at((sample[index][0] - 1) // k + 1)


def _at_rows(other: Held, sample: Sample) -> Callable[[int], float | None]:
    """Point index -> ``other``'s rate at the point's row."""
    return lambda index: other.at(sample[index][0])


def _lengths(planner: Planner, sample: Sample) -> range:
    """The total lengths tried: from 1 to 4 times the plan's (or twice the log's last row)."""
    now = planner.current.length or max(row for row, _ in sample)
    return range(1, max(4 * now, 2 * max(row for row, _ in sample)) + 1)


class _Probe:
    """Plans of other lengths, judged first on two points the plan gets wrong (computing only
    the rows up to them), then on every point."""

    def __init__(self, sample: Sample, planner: Planner, fits: Fits, wrong: set[int]) -> None:
        self.sample, self.planner, self.fits, self.wrong = sample, planner, fits, wrong
        self.probes = sorted(wrong)[:2]
        self.rows = max(sample[i][0] for i in self.probes)

    def _held(self, change: Change, rows: int) -> Held | None:
        try:
            return Held(self.planner.rates(change), rows)
        except LrschedError:
            return None

    def error(self, change: Change) -> float | None:
        """How far the plan so changed is from the probes, relatively (None: no such plan)."""
        other = self._held(change, self.rows)
        if other is None:
            return None
        total = 0.0
        for index in self.probes:
            row, logged = self.sample[index]
            want = other.at(row)
            if want is None:
                return None
            total += abs(want - logged) / max(abs(logged), 1e-300)
        return total

    def fit(self, change: Change) -> bool:
        other = self._held(change, self.rows)
        if other is None or not all(
            (want := other.at(self.sample[i][0])) is not None and self.fits(want, self.sample[i][1])
            for i in self.probes
        ):
            return False
        whole = self._held(change, max(row for row, _ in self.sample))
        return whole is not None and bool(
            _fits(self.sample, _at_rows(whole, self.sample), self.fits, self.wrong)
        )


def _search(sample: Sample, planner: Planner, fits: Fits, wrong: set[int], lengths: range) -> int | None:
    """The first length under which the plan fits the sample. A range wider than `LENGTHS` is
    narrowed first: scored on the probes at evenly spaced lengths, then around the three best,
    and again (the error of a smooth schedule varies smoothly with its length)."""
    if not wrong:
        return None
    probe = _Probe(sample, planner, fits, wrong)
    now = planner.current.length
    candidates: list[int] | range = lengths
    while len(candidates) > LENGTHS:
        step = -(-len(candidates) // LENGTHS)
        scored = sorted(
            (e, n) for n in candidates[::step] if (e := probe.error(Change(length=n))) is not None
        )
        near = {n for _, best in scored[:3] for n in range(best - step, best + step + 1)}
        candidates = sorted(n for n in near if lengths.start <= n < lengths.stop)
    return next((n for n in candidates if n != now and probe.fit(Change(length=n))), None)


def _length(sample: Sample, plan: Held, planner: Planner, fits: Fits, wrong: set[int]) -> str | None:
    if "length" not in planner.changes:
        return None
    found = _search(sample, planner, fits, wrong, _lengths(planner, sample))
    if found is None:
        return None
    change = Change(length=found)
    return f"the run's schedule was sized for another length: it fits {planner.say(change)}"


def _skipped(sample: Sample, plan: Held, planner: Planner, fits: Fits, wrong: set[int]) -> str | None:
    """Updates that did not step the scheduler: from some point on, each logged rate is the
    plan's for an earlier row, by the number skipped so far."""
    skipped, events = 0, []
    previous = 0
    for row, logged in sample:
        want = plan.at(row - skipped)
        if want is None or not fits(want, logged):
            for more in range(1, min(SKIPS, row - previous) + 1):  # at most the updates between
                want = plan.at(row - skipped - more)
                if want is not None and fits(want, logged):
                    skipped += more
                    events.append((previous, row, more))
                    break
            else:
                return None
        previous = row
    if not events or len(events) > 8:
        return None
    where = "; ".join(  # a skipped update's own rate is the plan's: the lag shows at the next
        f"{more} among updates {after}-{row - 1}" if row - after > 1 else f"{more} at update {after}"
        for after, row, more in events
    )
    return (
        f"{skipped} updates did not step the scheduler ({where}): the run skipped them, as an "
        "fp16 overflow makes GradScaler skip optimizer.step, after which transformers and "
        "DeepSpeed do not step the scheduler either; the rest of the run is that many updates behind"
    )


def _resumed(sample: Sample, plan: Held, planner: Planner, fits: Fits, wrong: set[int]) -> str | None:
    """Resumed from a checkpoint with a schedule recomputed for another length: the points
    up to some update fit one length, those after it another (the step count carried on)."""
    if "length" not in planner.changes or not wrong:
        return None
    lengths, n, now = _lengths(planner, sample), len(sample), planner.current.length
    split = min(wrong)  # the plan's up to here, another length after
    if split > 0:
        found = _search(sample[split:], planner, fits, {i - split for i in wrong}, lengths)
        if found is not None:
            return _resumed_words(planner, sample[split - 1][0], now, found)
    split = max(wrong) + 1  # another length up to here, the plan's after
    if split < n:
        found = _search(sample[:split], planner, fits, wrong, lengths)
        if found is not None:
            return _resumed_words(planner, sample[split - 1][0], found, now)
    return None


def _resumed_words(planner: Planner, at: int, before: int | None, after: int | None) -> str:
    was = "the plan" if before == planner.current.length else planner.say(Change(length=before))
    then = "the plan" if after == planner.current.length else planner.say(Change(length=after))
    return (
        f"resumed from a checkpoint with the schedule recomputed for another length: the updates up "
        f"to {at} fit {was}, the later ones {then}, at the same step count (the first update after "
        "resuming runs the rate the checkpoint holds). A resumed run builds its schedule from its "
        "new arguments and keeps the step count (transformers #34053): resume with the first run's "
        "arguments, or plan the new length from the start"
    )
