"""The fast path of --check: blocks of rows exactly as lrsched writes them, or None to read row by row.

A block that is not exactly so must never be read differently from the row-by-row readers: it is
refused (None), and the check through the command line then reports the row the readers find.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_usage_error, lrsched

from lrsched_cli.check.blocks import LAYOUTS, csv_block, json_lines_block, json_rows_block

EPOCH, STEP, PER_STEP = LAYOUTS["epoch", "lr"], LAYOUTS["step", "lr"], LAYOUTS["epoch", "step", "lr"]


def test_csv_lines_as_lrsched_writes_them() -> None:
    assert csv_block(["3,0.1\n", "4,1e-05\n", "5,0\n"], 3, 2) == [0.1, 1e-05, 0.0]
    assert csv_block(["1,3,0.1\n", "1,4,0.2\n"], 3, 3) == [0.1, 0.2]


@pytest.mark.parametrize(
    "lines",
    [
        ["3,0.1\n", "5,0.1\n"],  # a label out of order
        ["3,0.1\r\n"],  # a CRLF line: the csv module reads it
        ["3,0.1,7\n"],
        ["3,nan\n"],
        ["3,1e999\n"],  # overflows to inf
        ["3,\n"],
        ["+3,0.1\n"],
        ['3,"0.1"\n'],
    ],
)
def test_other_csv_lines_are_left_to_the_csv_module(lines: list[str]) -> None:
    assert csv_block(lines, 3, 2) is None


def test_json_lines_as_lrsched_writes_them() -> None:
    lines = ['{"epoch": 1, "lr": 0.1}\n', '{"epoch": 2, "lr": -2.5e-07}\n']
    assert json_lines_block(EPOCH, lines, 1) == [0.1, -2.5e-07]
    assert json_lines_block(STEP, ['{"step": 7, "lr": 0}\n'], 7) == [0.0]
    assert json_lines_block(PER_STEP, ['{"epoch": 1, "step": 2, "lr": 0.5}\n'], 2) == [0.5]


@pytest.mark.parametrize(
    "line",
    [
        '{"epoch": 1,  "lr": 0.1}\n',  # spacing
        '{"lr": 0.1, "epoch": 1}\n',  # key order
        '{"epoch": 1, "lr": 0.1, "x": 1}\n',
        '{"epoch": 1, "lr": NaN}\n',
        '{"epoch": 1, "lr": .5}\n',  # not JSON, though float() would read it
        '{"epoch": 1, "lr": 01}\n',
        '{"epoch": 01, "lr": 0.1}\n',
        '{"epoch": 2, "lr": 0.1}\n',  # the wrong row
        '{"step": 1, "lr": 0.1}\n',  # another layout
    ],
)
def test_other_json_lines_are_left_to_the_json_module(line: str) -> None:
    assert json_lines_block(EPOCH, [line], 1) is None


def test_json_rows_stop_before_the_last_row_and_anything_not_laid_out_alike() -> None:
    text = (
        '"rows": [\n  {"epoch": 1, "lr": 0.1},\n  {"epoch": 2, "lr": 0.2},\n  {"epoch": 3, "lr": 0.3}\n]}\n'
    )
    at = text.index("[") + 1
    found = json_rows_block(EPOCH, text, at, 1)
    assert found is not None
    end, rates = found
    assert rates == [0.1, 0.2]
    assert text[end:] == '\n  {"epoch": 3, "lr": 0.3}\n]}\n'  # the last has no comma: row by row
    assert json_rows_block(EPOCH, text, at, 2) is None  # labelled 1, not 2
    assert json_rows_block(EPOCH, text.replace("\n  ", "\n    "), at, 1) is None  # reindented


# Through the command line: a bad row after a block read fast is reported where it is.

GOOD = '{"epoch": 9000, "lr": 0.000390625}'
RUN = ("step", "--lr", "0.1", "--step-size", "1000", "--gamma", "0.5", "-n", "10000")


@pytest.mark.parametrize(
    ("fmt", "good", "bad", "fragment"),
    [
        ("csv", "9000,0.000390625\n", "9000,0.00039x\n", "row 9000 is '9000,0.00039x'"),
        ("csv", "9000,0.000390625\n", "9001,0.000390625\n", "row 9000 is labelled 9001"),
        ("jsonl", '{"epoch": 9000, "lr": 0.000390625}', '{"epoch": 9000, "lr": 0.000390625,}', "line 9000"),
        ("jsonl", GOOD, '{"epoch": 9000, "lr": Infinity}', "row 9000 has rate inf"),
        ("json", GOOD, '{"epoch": 9000, "lr": "0.1"}', "row 9000 has rate '0.1'"),
        ("json", GOOD, '{"epoch": 9001, "lr": 0.1}', "row 9000 is labelled 9001"),
    ],
)
def test_a_bad_row_after_thousands_of_good_ones_is_found_where_it_is(
    tmp_path: Path, fmt: str, good: str, bad: str, fragment: str
) -> None:
    text = lrsched(*RUN, "-f", fmt).stdout
    assert text.count(good) == 1
    path = tmp_path / f"bad.{fmt}"
    path.write_text(text.replace(good, bad))
    assert_usage_error(lrsched(*RUN, "--check", str(path)), "'--check'", fragment)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_a_different_rate_after_thousands_is_reported_by_row(tmp_path: Path, fmt: str) -> None:
    text = lrsched(*RUN, "-f", fmt).stdout
    path = tmp_path / f"moved.{fmt}"
    path.write_text(text.replace("0.000390625", "0.000390626", 1))  # row 8001, the first at that rate
    result = lrsched(*RUN, "--check", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        f"--check {path} failed (exact): 1 of 10000 rows differ",
        "       row  expected     got",
        "      8001  0.000390626  0.000390625",
    ]
