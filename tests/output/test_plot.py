"""The terminal plot: golden charts (fixed width, no colour), axes, caption, log axis, sampling."""

from __future__ import annotations

import math
import re

import pytest
from helpers import assert_usage_error, lrsched

from lrsched_cli.output import Series
from lrsched_cli.output.figure import MAX_BUCKETS, Look, sample, title_of
from lrsched_cli.output.plot import draw

ANSI = re.compile(r"\x1b\[")


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80 x 24 terminal, no colour settings from whoever runs the tests."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


PLOTS = {
    "plot_cosine.txt": ["cosine", "--lr", "0.1", "--min-lr", "0.001"],
    "plot_step.txt": ["step", "--lr", "0.1", "--step-size", "10"],
    "plot_log_warmup.txt": [
        "cosine",
        "--lr",
        "0.1",
        "--min-lr",
        "1e-5",
        "--warmup",
        "5",
        "-n",
        "40",
        "--log-y",
    ],
    "plot_per_step.txt": ["step", "--lr", "0.1", "--step-size", "2", "-n", "6", "--steps-per-epoch", "4"],
}


@pytest.mark.parametrize("name", PLOTS)
def test_plot_matches_its_golden_chart(name: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = lrsched(*PLOTS[name], "-f", "plot")
    assert result.exit_code == 0, result.stderr
    assert not ANSI.search(result.stdout)
    golden(name, result.stdout)


def test_the_chart_has_labelled_axes_and_the_peak_and_final_rates() -> None:
    lines = lrsched("cosine", "--lr", "0.1", "--min-lr", "0.001", "-f", "plot").stdout.splitlines()
    assert lines[0] == "cosine: lr=0.1, t_max=30, min_lr=0.001, warmup=0, warmup_start_lr=0"
    assert lines[1] == "           ^ learning rate"
    assert any(line.endswith("-> (epoch)") for line in lines)
    assert lines[-1] == "peak 0.1 at epoch 1, final 0.00127117 at epoch 30"  # the blog's 0.001271


def test_round_tick_labels_and_the_peak_drawn_below_the_top() -> None:
    lines = lrsched("step", "--lr", "0.1", "--step-size", "10", "-f", "plot").stdout.splitlines()
    rows = {m[1]: line for line in lines if (m := re.match(r"^ *([-0-9.e]+) \|", line))}
    assert list(rows)[:3] == ["0.11", "0.1", "0.09"] and list(rows)[-1] == "0"
    assert "⣀⣀⣀" in rows["0.1"]  # 0.1 for ten epochs: a line in that row, not lost on the edge
    assert lines[-3].split() == ["|", "1", "5", "10", "15", "20", "25", "30"]


@pytest.mark.parametrize(
    ("rows", "columns", "labels"),
    [
        (100, 40, ["1", "50", "100"]),  # was 0..200
        (100, 80, ["1", "20", "40", "60", "80", "100"]),  # was 1..120
        (30, 40, ["1", "10", "20", "30"]),
        (7, 80, ["1", "2", "3", "4", "5", "6", "7"]),
        (12345, 120, ["1", "2000", "4000", "6000", "8000", "10000", "12000"]),
    ],
)
def test_the_epoch_axis_ends_at_the_data_with_round_ticks(
    rows: int, columns: int, labels: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = lrsched("cosine", "--lr", "0.1", "-n", str(rows), "-f", "plot").stdout.splitlines()
    axis = next(i for i, line in enumerate(lines) if line.endswith("-> (epoch)"))
    assert lines[axis + 1].split() == ["|", *labels]
    canvas = [line.split(" | ", 1)[1] for line in lines[:axis] if " | " in line]
    assert any(row[-1] != "\u2800" for row in canvas)  # the last epoch is drawn in the last column
    marks = [i for i, char in enumerate(lines[axis]) if char == "|"][1:]  # after the y axis
    assert [lines[axis + 1][i] for i in marks] == [label[0] for label in labels]  # each label at its mark
    if labels[-1] == str(rows):
        assert lines[axis].index("->") == marks[-1] + 1  # the last tick is the axis' end


@pytest.mark.parametrize("columns", [40, 80, 157])
def test_the_chart_fits_the_terminal_width(columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = lrsched("cosine-restarts", "--lr", "0.1", "--t-0", "7", "-n", "100", "-f", "plot").stdout
    widths = [len(line) for line in out.splitlines()]
    assert max(widths) <= columns
    assert max(widths) >= columns - 10  # and uses most of it


@pytest.mark.parametrize(("lines", "rows"), [(24, 16), (10, 8), (60, 20)])
def test_the_height_follows_the_terminal_within_limits(
    lines: int, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINES", str(lines))
    out = lrsched("cosine", "--lr", "0.1", "-f", "plot").stdout
    canvas = [line for line in out.splitlines() if re.match(r"^ *[-0-9.e]+ \| ", line)]
    assert rows // 2 <= len(canvas) <= rows  # round tick steps may take fewer rows than allowed


def test_log_y_labels_decades_and_counts_rows_it_cannot_draw() -> None:
    out = lrsched("cosine", "--lr", "0.1", "--warmup", "3", "-n", "20", "-f", "plot", "--log-y").stdout
    assert "^ learning rate (log scale)" in out
    assert out.endswith(" at epoch 20\n(1 row at 0 or below, not drawn on the log axis)\n")


def test_log_y_with_no_positive_rate_is_a_usage_error() -> None:
    result = lrsched(
        "step", "--lr", "0.1", "--step-size", "1", "-n", "1", "--warmup", "1", "-f", "plot", "--log-y"
    )
    assert_usage_error(result, "'--log-y'", "no rate is above 0")


def test_log_y_is_refused_for_text_formats() -> None:
    assert_usage_error(
        lrsched("step", "--lr", "0.1", "--step-size", "1", "--log-y"), "'--log-y'", "--format blog"
    )


def test_precision_sets_the_caption_digits() -> None:
    out = lrsched("cosine", "--lr", "0.1", "--min-lr", "0.001", "-f", "plot", "--precision", "3").stdout
    assert out.endswith("peak 0.1 at epoch 1, final 0.00127 at epoch 30\n")


def test_no_rows_draws_empty_axes() -> None:
    result = lrsched("step", "--lr", "0.1", "--step-size", "1", "-n", "0", "-f", "plot")
    assert result.exit_code == 0
    assert result.stdout.endswith("\nno rows\n")


def test_an_overflow_is_a_usage_error_with_nothing_drawn() -> None:
    series = Series("boom", {}, [0.1, math.inf])
    with pytest.raises(ValueError, match="row 2 is inf"):
        draw([("boom", series)], Look())


def test_several_labelled_series_get_a_legend_and_a_caption_each(golden) -> None:  # type: ignore[no-untyped-def]
    """What compare draws: curves of different lengths overlaid."""
    fast = Series("step", {}, [0.1 * 0.5**t for t in range(10)])
    slow = Series("step", {}, [0.1 - 0.004 * t for t in range(20)])
    chart = draw([("fast", fast), ("slow", slow)], Look(title="two schedules"))
    assert "Legend:" in chart
    assert chart.endswith(
        "fast: peak 0.1 at epoch 1, final 0.000195313 at epoch 10\n"
        "slow: peak 0.1 at epoch 1, final 0.024 at epoch 20\n"
    )
    golden("plot_two_series.txt", chart)


def test_colour_only_when_allowed_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """plotille colours only a TTY; FORCE_COLOR stands in for one here. NO_COLOR always wins."""
    series = Series("step", {}, [0.1, 0.05, 0.01])
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ANSI.search(draw([("a", series)], Look(colour=True)))
    assert not ANSI.search(draw([("a", series)], Look(colour=False)))  # not a terminal: never
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(draw([("a", series)], Look(colour=True)))


def test_the_title_names_the_schedule_and_its_parameters() -> None:
    series = Series("multistep", {"lr": 0.1, "milestones": (30, 80), "gamma": 1e-05, "t_max": None}, [])
    assert title_of(series) == "multistep: lr=0.1, milestones=30,80, gamma=1e-05"


class TestSample:
    """A chart keeps a bounded, evenly bucketed sample; the caption's numbers stay exact."""

    def test_short_series_keep_every_point(self) -> None:
        curve = sample("s", Series("s", {}, [0.3, 0.1, 0.2]))
        assert curve.points == [(1, 0.3), (2, 0.1), (3, 0.2)]
        assert (curve.peak, curve.final, curve.rows) == ((1, 0.3), (3, 0.2), 3)

    def test_a_million_rows_keep_at_most_four_points_per_bucket(self) -> None:
        n = 1_000_000
        rates = [0.1 * (1 - t / n) for t in range(n)]
        rates[654_321] = 0.5  # one spike, far narrower than a bucket
        curve = sample("s", Series("s", {}, rates))
        assert len(curve.points) <= 4 * MAX_BUCKETS
        assert curve.points[0] == (1, 0.1) and curve.points[-1] == (n, rates[-1])
        assert (654_322, 0.5) in curve.points
        assert curve.peak == (654_322, 0.5)
        rows = [row for row, _ in curve.points]
        assert rows == sorted(set(rows))

    def test_the_peak_is_the_first_row_reaching_it(self) -> None:
        curve = sample("s", Series("s", {}, [0.01, 0.1, 0.1, 0.05]))
        assert curve.peak == (2, 0.1)

    def test_log_y_leaves_out_rates_at_zero_or_below(self) -> None:
        curve = sample("s", Series("s", {}, [0.0, 0.05, 0.1, 0.0]), log_y=True)
        assert curve.points == [(2, 0.05), (3, 0.1)]
        assert curve.hidden == 2
        assert curve.final == (4, 0.0)

    def test_rows_per_step_sit_at_fractions_of_an_epoch(self) -> None:
        curve = sample("s", Series("s", {}, [0.1] * 8, steps_per_epoch=4))
        assert [curve.epoch(row) for row in (1, 2, 5, 8)] == [1.0, 1.25, 2.0, 2.75]
        assert curve.caption(6) == "peak 0.1 at step 1 (epoch 1), final 0.1 at step 8 (epoch 2)"


def test_without_colour_overlaid_series_are_told_apart_by_their_markers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Piped, or with NO_COLOR, braille lines all look alike: each series gets its own marker."""
    fast = Series("step", {}, [0.1 * 0.5**t for t in range(10)])
    slow = Series("step", {}, [0.1 - 0.004 * t for t in range(20)])
    chart = draw([("fast", fast), ("slow", slow)], Look())
    assert "⠤x⠤ fast" in chart and "⠤o⠤ slow" in chart
    canvas = [line.split(" | ", 1)[1] for line in chart.splitlines() if " | " in line]
    assert any("x" in row for row in canvas) and any("o" in row for row in canvas)
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = draw([("fast", fast), ("slow", slow)], Look(colour=True))
    assert "⠤⠤ fast" in ANSI.sub("", re.sub(r"\x1b\[[0-9;]*m", "", coloured))  # colour tells them apart
    monkeypatch.setenv("NO_COLOR", "1")
    assert "⠤x⠤ fast" in draw([("fast", fast), ("slow", slow)], Look(colour=True))


@pytest.mark.parametrize("lr", ["1.7e308", "8e307", "5e-324", "1e-310"])
@pytest.mark.parametrize("log_y", [[], ["--log-y"]])
def test_rates_near_the_float_limits_are_drawn_scaled(lr: str, log_y: list[str]) -> None:
    """Axis arithmetic at 1.7e308 overflowed ('inf' ticks, a traceback on a log axis), and a
    denormal's range underflowed to 0 (math domain error): such rates are drawn times 10^-k."""
    result = lrsched("constant", "--lr", lr, "--factor", "0.5", "-n", "8", "-f", "plot", *log_y)
    assert result.exit_code == 0, result.stderr
    assert "inf" not in result.stdout
    power = math.floor(math.log10(float(lr)))
    assert f"^ learning rate (x 1e{power}" in result.stdout
    assert f"final {float(lr):.6g} at epoch 8" in result.stdout  # the caption stays exact


def test_a_huge_columns_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS=100000 drew a 100,000-column canvas: 380 MiB and 7 s."""
    from lrsched_cli.output.plot import MAX_COLUMNS

    monkeypatch.setenv("COLUMNS", "100000")
    chart = lrsched("cosine", "--lr", "0.1", "-f", "plot").stdout
    assert max(map(len, chart.splitlines())) <= MAX_COLUMNS


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_a_stream_without_braille_gets_the_same_chart_in_ascii(encoding: str) -> None:
    """As a table falls back to ASCII lines: each braille cell becomes one ASCII character,
    blank where the cell is blank and a mark where it has dots; the rest is unchanged."""
    import os
    import subprocess
    import sys

    argv = [sys.executable, "-m", "lrsched_cli", "step", "--lr", "0.1", "--step-size", "10", "-f", "plot"]
    env = {**os.environ, "COLUMNS": "80", "LINES": "24"}
    braille = subprocess.run(argv, capture_output=True, env={**env, "PYTHONIOENCODING": "utf-8"}, timeout=30)
    plain = subprocess.run(argv, capture_output=True, env={**env, "PYTHONIOENCODING": encoding}, timeout=30)
    assert (plain.returncode, plain.stderr) == (0, b"")
    text, reference = plain.stdout.decode("ascii"), braille.stdout.decode("utf-8")
    assert "\u28c0" in reference  # the reference really is braille
    assert len(text.splitlines()) == len(reference.splitlines())
    for line, original in zip(text.splitlines(), reference.splitlines()):
        assert len(line) == len(original)
        for char, cell in zip(line, original):
            if not "\u2800" <= cell <= "\u28ff":
                assert char == cell
            else:
                assert (char == " ") == (cell == "\u2800"), (line, original)
    assert text.splitlines()[-1] == "peak 0.1 at epoch 1, final 0.001 at epoch 30"
