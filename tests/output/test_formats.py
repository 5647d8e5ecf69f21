"""Every output format, byte for byte, against golden files in tests/golden/ (inspected by eye)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from helpers import EXAMPLES, lrsched

from lrsched_cli.registry import SCHEDULES

TUTORIAL = {
    "tutorial_step.txt": ["step", "--lr", "0.1", "--step-size", "10"],
    "tutorial_exponential.txt": ["exponential", "--lr", "0.1", "--decay-rate", "0.05"],
    "tutorial_cosine.txt": ["cosine", "--lr", "0.1", "--min-lr", "0.001"],
}


@pytest.mark.parametrize("name", TUTORIAL)
def test_the_tutorials_three_tables(name: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = lrsched(*TUTORIAL[name])
    assert result.exit_code == 0
    golden(name, result.stdout)


def test_tutorial_spot_values() -> None:
    """The tutorial's own numbers, independent of the golden files."""
    exp = lrsched("exponential", "--lr", "0.1", "--decay-rate", "0.05").stdout.splitlines()
    assert exp[1] == "Epoch 2, Learning Rate: 0.095123"
    assert exp[29] == "Epoch 30, Learning Rate: 0.023457"
    cos = lrsched("cosine", "--lr", "0.1", "--min-lr", "0.001").stdout.splitlines()
    assert cos[1] == "Epoch 2, Learning Rate: 0.099729"
    assert cos[29] == "Epoch 30, Learning Rate: 0.001271"


CASE = ["cosine-restarts", "--lr", "0.1", "--t-0", "3", "--t-mult", "2", "-n", "10"]


@pytest.mark.parametrize("fmt", ["blog", "table", "csv", "json", "jsonl"])
def test_every_format(fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = lrsched(*CASE, "-f", fmt)
    assert result.exit_code == 0
    golden(f"restarts.{fmt}", result.stdout)


@pytest.mark.parametrize("fmt", ["blog", "table", "csv", "json", "jsonl"])
def test_every_format_per_step(fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = lrsched(
        "step", "--lr", "0.1", "--step-size", "2", "-n", "3", "--steps-per-epoch", "2", "-f", fmt
    )
    assert result.exit_code == 0
    golden(f"step_per_step.{fmt}", result.stdout)


def test_csv_is_unix_lines_with_round_trip_floats() -> None:
    out = lrsched("cosine", "--lr", "0.1", "--min-lr", "0.001", "-f", "csv").stdout
    assert "\r" not in out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["epoch", "lr"]
    assert rows[1] == ["1", "0.1"]
    assert float(rows[2][1]) == 0.09972883382072953  # full precision, as repr writes it
    assert len(rows) == 31


def test_json_records_every_resolved_parameter() -> None:
    data = json.loads(lrsched("cosine", "--lr", "0.1", "-f", "json").stdout)
    assert data["schedule"] == "cosine"
    assert data["params"] == {
        "lr": 0.1,
        "t_max": 30,
        "min_lr": 0.0,
        "warmup": 0,
        "warmup_start_lr": 0.0,
        "steps_per_epoch": None,
    }
    assert data["rows"][0] == {"epoch": 1, "lr": 0.1}
    assert len(data["rows"]) == 30


def test_jsonl_is_one_object_per_line() -> None:
    lines = lrsched("step", "--lr", "0.1", "--step-size", "1", "-n", "3", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"epoch": 1, "lr": 0.1},
        {"epoch": 2, "lr": 0.010000000000000002},
        {"epoch": 3, "lr": 0.0010000000000000002},
    ]


@pytest.mark.parametrize(
    ("fmt", "expected"), [("blog", ""), ("table", ""), ("csv", "epoch,lr\n"), ("jsonl", "")]
)
def test_zero_epochs_prints_nothing_but_a_header(fmt: str, expected: str) -> None:
    result = lrsched("step", "--lr", "0.1", "--step-size", "1", "-n", "0", "-f", fmt)
    assert result.exit_code == 0
    assert result.stdout == expected


def test_zero_epochs_json_has_empty_rows() -> None:
    result = lrsched("cosine", "--lr", "0.1", "-n", "0", "-f", "json")
    assert json.loads(result.stdout)["rows"] == []


@pytest.mark.parametrize("precision", ["0", "3", "17"])
def test_precision(precision: str) -> None:
    line = lrsched("step", "--lr", "0.1", "--step-size", "1", "-n", "1", "--precision", precision).stdout
    assert line == f"Epoch 1, Learning Rate: {0.1:.{precision}f}\n"


def test_natural_length_of_cosine_is_its_period_plus_warmup() -> None:
    assert len(lrsched("cosine", "--lr", "0.1", "--t-max", "90").stdout.splitlines()) == 90
    assert len(lrsched("cosine", "--lr", "0.1", "--t-max", "90", "--warmup", "5").stdout.splitlines()) == 95


def test_cosine_t_max_defaults_to_the_rows_left_after_warmup() -> None:
    data = json.loads(lrsched("cosine", "--lr", "0.1", "--warmup", "5", "-n", "20", "-f", "json").stdout)
    assert data["params"]["t_max"] == 15
    assert [row["lr"] for row in data["rows"][:6]] == pytest.approx([0.0, 0.02, 0.04, 0.06, 0.08, 0.1])


def test_steps_per_epoch_lands_drops_on_the_exact_step() -> None:
    result = lrsched(
        "step", "--lr", "1", "--step-size", "3", "-n", "4", "--steps-per-epoch", "7", "-f", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 28
    assert (rows[20]["epoch"], rows[20]["step"], rows[20]["lr"]) == ("3", "21", "1.0")
    assert (rows[21]["epoch"], rows[21]["step"], rows[21]["lr"]) == ("4", "22", "0.1")


def test_steps_per_epoch_samples_the_cosine_between_epochs() -> None:
    data = json.loads(
        lrsched("cosine", "--lr", "1", "--t-max", "2", "--steps-per-epoch", "2", "-f", "json").stdout
    )
    assert [row["lr"] for row in data["rows"]] == pytest.approx(
        [1.0, 0.8535533905932737, 0.5, 0.1464466094067262]
    )


@pytest.mark.parametrize(("columns", "lr"), [("20", 0.1), ("80", 1e100)])
def test_a_table_wider_than_the_terminal_keeps_every_digit(
    columns: str, lr: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    argv = f"step --lr {lr!r} --step-size 1 --gamma 0.5 -n 2 --steps-per-epoch 1".split()
    lines = lrsched(*argv, "--precision", "17", "-f", "table").stdout.splitlines()
    assert lines[0].split() == ["Epoch", "Step", "Learning", "rate"]
    assert [line.split() for line in lines[2:]] == [["1", "1", f"{lr:.17f}"], ["2", "2", f"{lr / 2:.17f}"]]


def test_zero_epochs_with_any_warmup_prints_nothing() -> None:
    result = lrsched("cosine", "--lr", "0.1", "-n", "0", "--warmup", "40")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


NARROW = [
    "step --lr 0.1 --step-size 10 --gamma 0.04",
    "cosine --lr 0.1 --min-lr 0.001",
    "exponential --lr 0.1 --gamma 0.9",
]


@pytest.mark.parametrize("columns", ["40", "30", "200"])
def test_compares_table_grows_wider_than_the_terminal_and_keeps_every_digit_and_column(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 40 columns 0.004000 showed as 0.00, at 30 whole columns went, and headers wrapped
    mid-word: compare's table is the single table's writer, which never narrows a column."""
    monkeypatch.setenv("COLUMNS", columns)
    lines = lrsched("compare", *NARROW, "-n", "30").stdout.splitlines()
    assert lines[0].split("   ") == ["Epoch", *NARROW]  # one header line, labels whole
    assert set(lines[1]) == {"─"}
    assert len(lines) == 32
    rows = [line.split() for line in lines[2:]]
    assert rows[10][1] == "0.004000" and rows[10][3] == "0.034868"  # 0.1 * 0.04; 0.1 * 0.9^10
    assert rows[29] == [
        "30",
        "0.000160",
        "0.001271",
        "0.004710",
    ]  # 0.1 * 0.04^2; the tutorial's; 0.1 * 0.9^29
    assert len({len(line) for line in lines}) == 1  # every row in the header's columns


def test_compares_table_streams_past_the_first_chunk_in_the_same_columns() -> None:
    lines = lrsched(
        "compare", "constant --lr 0.1 --factor 1", "cosine --lr 0.1", "-n", "10000"
    ).stdout.splitlines()
    assert len(lines) == 10002
    assert lines[-1].split() == ["10000", "0.100000", "0.000000"]
    assert len({len(line) for line in lines[2:]}) == 1


def test_a_shorter_schedule_leaves_blank_cells_in_the_table() -> None:
    lines = lrsched(
        "compare", "cosine --lr 0.1 --t-max 2", "cosine --lr 0.1 -n 3", "-l", "a", "-l", "b"
    ).stdout
    rows = lines.splitlines()
    assert rows[0].split() == ["Epoch", "a", "b"]
    assert rows[-1].split() == ["3", "0.025000"]  # a ended at 2 rows; b: 0.1 * (1 + cos(2 pi / 3)) / 2


WARMUP_2E5 = ["from", "get_linear_schedule_with_warmup(optimizer, 300, 3000)", "--lr", "2e-5", "-q"]


def test_small_rates_get_more_decimals_so_the_peak_shows_three_digits() -> None:
    """The peak 2e-5 printed as 0.000020, the warmup as 0.000000: 7 decimals show it as 0.0000200."""
    lines = lrsched(*WARMUP_2E5).stdout.splitlines()
    assert lines[0] == "Step 1, Learning Rate: 0.0000000"
    assert lines[1] == "Step 2, Learning Rate: 0.0000001"  # 2e-5 / 300 = 6.7e-8
    assert lines[300] == "Step 301, Learning Rate: 0.0000200"  # the peak, after 300 warmup steps
    assert lines[1650] == "Step 1651, Learning Rate: 0.0000100"  # half-way down: 2e-5 * 1350 / 2700
    table = lrsched(*WARMUP_2E5, "-f", "table").stdout.splitlines()
    assert table[302].split() == ["301", "0.0000200"]


def test_precision_still_wins_over_the_automatic_decimals() -> None:
    lines = lrsched(*WARMUP_2E5, "--precision", "6").stdout.splitlines()
    assert lines[300] == "Step 301, Learning Rate: 0.000020"
    assert (
        lrsched(*WARMUP_2E5, "--precision", "9").stdout.splitlines()[1]
        == "Step 2, Learning Rate: 0.000000067"
    )


@pytest.mark.parametrize(("lr", "places"), [("1e-4", 6), ("9.99e-5", 7), ("5e-6", 8), ("1e-2", 6), ("7", 6)])
def test_the_decimals_follow_the_largest_rate_of_the_first_rows(lr: str, places: int) -> None:
    line = lrsched("constant", "--lr", lr, "--factor", "1", "-n", "1").stdout
    assert line == f"Epoch 1, Learning Rate: {float(lr):.{places}f}\n"


def test_compares_table_takes_its_decimals_from_the_largest_rate_of_every_column() -> None:
    lines = lrsched("compare", "constant --lr 2e-5 --factor 1", "constant --lr 1e-6 --factor 1", "-n", "1")
    assert lines.stdout.splitlines()[2].split() == ["1", "0.0000200", "0.0000010"]


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_schedules_examples_keep_the_tutorials_six_decimals(name: str) -> None:
    """Rates of 1e-4 and more show 3 digits at 6 decimals: every example's output is unchanged."""
    for example in SCHEDULES[name].examples:
        argv = example.split()[1:]
        if "-f" in argv:
            continue
        argv = [str(EXAMPLES / arg) if (EXAMPLES / arg).exists() else arg for arg in argv]
        lines = lrsched(*argv).stdout.splitlines()
        assert lines, example
        assert all(re.fullmatch(r"Epoch \d+, Learning Rate: \d\.\d{6}", line) for line in lines), example
