"""compare --expect LABEL:ROW=RATE and --check FILE: each column checked against its SPEC's rows.

Expected rates are computed by hand from the closed forms, not by lrsched:
step --lr 0.1 --step-size 2: rows 1-2 0.1, rows 3-4 0.1 * 0.1 = 0.010000000000000002, 30 rows;
cosine --lr 0.1 --t-max 3: 0.05 * (1 + cos(pi * (k - 1) / 3)) = 0.1, 0.07500000000000001,
0.025000000000000012 for rows 1-3, its natural length: blank after.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import assert_usage_error, lrsched

STEP = "step --lr 0.1 --step-size 2"
COSINE = "cosine --lr 0.1 --t-max 3"
LABELLED = (STEP, COSINE, "-l", "s", "-l", "c")
FOUR = (f"{STEP} -n 4", COSINE, "-l", "s", "-l", "c")
"""LABELLED with 4 rows of the step (compare's own -n would give the cosine 4 rows too)."""

CSV = (
    "epoch,s,c\n"
    "1,0.1,0.1\n"
    "2,0.1,0.07500000000000001\n"
    "3,0.010000000000000002,0.025000000000000012\n"
    "4,0.010000000000000002,\n"
)
"""What compare writes for FOUR, written by hand."""


def passes(*args: str, input: str | None = None) -> None:
    result = lrsched("compare", *args, input=input)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def fails(*args: str, input: str | None = None) -> str:
    """Exit 1, nothing on stdout; returns the report on stderr."""
    result = lrsched("compare", *args, input=input)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr


def four_rows(tmp_path: Path, text: str = CSV, name: str = "c.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --expect LABEL:ROW=RATE


@pytest.mark.parametrize(
    "expectations",
    [
        ("s:3=0.01", "c:2=0.075"),  # by label, to half a unit in the last digit written
        ("1:3=0.01", "2:3=0.025"),  # by the SPEC's position
        ("s:30=0.000000000000001", "c:1=0.1"),  # 0.1 * 0.1 ** 14 = 1.0000000000000009e-15
    ],
)
def test_expect_passes_by_label_or_position(expectations: tuple[str, ...]) -> None:
    passes(*LABELLED, *(arg for text in expectations for arg in ("--expect", text)))


def test_a_default_label_is_the_spec_and_may_hold_colons_and_equals() -> None:
    one_cycle = 'from "OneCycleLR(opt, max_lr=0.1, total_steps=30)" --lr 0.1 --quiet'
    # OneCycleLR's first rate: max_lr / div_factor = 0.1 / 25 = 0.004
    passes(STEP, one_cycle, "--expect", f"{one_cycle}:1=0.004", "--expect", f"{STEP}:1=0.1")


def test_expect_fails_with_a_report_naming_column_and_row() -> None:
    report = fails(*LABELLED, "--expect", "s:3=0.02", "--expect", "c:2=0.07", "--expect", "c:1=0.1")
    assert report == (
        "--expect failed (half a unit in the last digit written): 2 of 3 rows differ\n"
        "       row  expected  got\n"
        "       s:3  0.02      0.010000000000000002\n"
        "       c:2  0.07      0.07500000000000001\n"
    )


def test_a_long_label_widens_the_report_row_column() -> None:
    report = fails(STEP, COSINE, "--expect", f"{STEP}:1=0.2")
    assert report.splitlines()[1:] == [
        f"  {'row':>{len(STEP) + 2}}  expected  got",
        f"  {STEP}:1  0.2       0.1",
    ]


def test_tol_and_rtol_apply_to_every_column() -> None:
    passes(*LABELLED, "--expect", "c:2=0.07", "--tol", "0.006")
    fails(*LABELLED, "--expect", "c:2=0.07", "--tol", "0.004")
    passes(*LABELLED, "--expect", "s:3=0.0105", "--rtol", "0.05")


@pytest.mark.parametrize(
    ("expectation", "fragments"),
    [
        ("s3=0.1", ("must be LABEL:ROW=RATE", "'s3=0.1'")),
        ("s:3", ("must be LABEL:ROW=RATE", "'s:3'")),
        ("s:x=0.1", ("must be LABEL:ROW=RATE", "'s:x=0.1'")),
        ("s:3=fast", ("must be LABEL:ROW=RATE", "'s:3=fast'")),
        ("s:0=0.1", ("rows are numbered from 1", "'s:0=0.1'")),
        ("s:3=1e999", ("the rate must be a finite number", "'s:3=1e999'")),
        ("x:3=0.1", ("no column is labelled 'x'", "the labels are 's', 'c'", "1 to 2")),
        ("3:3=0.1", ("no column is labelled '3'",)),
        ("c:4=0.1", ("row 4 does not exist: column 'c' has 3 rows", "got c:4=0.1")),
    ],
)
def test_malformed_expectations_are_usage_errors(expectation: str, fragments: tuple[str, ...]) -> None:
    assert_usage_error(lrsched("compare", *LABELLED, "--expect", expectation), "'--expect'", *fragments)


HUGE = str(10**12)
"""Rows no run could compute: a check must stop at the last row it needs."""


def in_a_process(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """``lrsched compare ARGS`` as a process: a run that never ends fails the test after 60 s."""
    command = [sys.executable, "-m", "lrsched_cli", "compare", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, input=input)


def test_expect_stops_at_the_last_row_it_needs() -> None:
    done = in_a_process(STEP, "cosine --lr 0.1", "-n", HUGE, "--expect", "1:3=0.01", "--expect", "2:1=0.1")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_an_expectation_past_a_columns_end_is_refused_before_any_row_is_computed() -> None:
    done = in_a_process(STEP, "cosine --lr 0.1", "-n", HUGE, "--expect", f"2:{10**12 + 1}=0.1")
    assert (done.returncode, done.stdout) == (2, "")
    assert f"row {10**12 + 1} does not exist: column 'cosine --lr 0.1' has {HUGE} rows" in done.stderr


# --check FILE


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_check_passes_against_what_compare_wrote(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"c.{fmt}"
    assert lrsched("compare", *LABELLED, "-f", fmt, "-o", str(path)).exit_code == 0
    passes(*LABELLED, "--check", str(path))
    passes(*LABELLED, "--check", "-", input=path.read_text())


def test_check_reads_a_file_written_by_hand_blanks_included(tmp_path: Path) -> None:
    passes(*FOUR, "--check", four_rows(tmp_path))


def test_check_fails_on_a_different_rate(tmp_path: Path) -> None:
    path = four_rows(tmp_path, CSV.replace("2,0.1,0.07500000000000001", "2,0.1,0.075"))
    report = fails(*FOUR, "--check", path)
    assert report == (
        f"--check {path} failed (exact): 1 of 8 cells differ\n"
        "       row  expected  got\n"
        "       c:2  0.075     0.07500000000000001\n"
    )
    passes(*FOUR, "--check", path, "--tol", "1e-15")


def test_a_blank_cell_where_a_rate_is_due_fails(tmp_path: Path) -> None:
    path = four_rows(
        tmp_path, CSV.replace("3,0.010000000000000002,0.025000000000000012", "3,0.010000000000000002,")
    )
    report = fails(*FOUR, "--check", path)
    assert report.splitlines()[1:] == [
        "       row  expected  got",
        "       c:3  blank     0.025000000000000012",
    ]


def test_a_rate_where_the_schedule_has_ended_fails(tmp_path: Path) -> None:
    path = four_rows(tmp_path, CSV.replace("4,0.010000000000000002,\n", "4,0.010000000000000002,0.0\n"))
    report = fails(*FOUR, "--check", path)
    assert report.splitlines()[1:] == ["       row  expected  got", "       c:4  0.0       blank"]


def test_a_json_null_is_a_blank(tmp_path: Path) -> None:
    rows = [
        '{"epoch": 1, "s": 0.1, "c": 0.1}',
        '{"epoch": 2, "s": 0.1, "c": 0.07500000000000001}',
        '{"epoch": 3, "s": 0.010000000000000002, "c": 0.025000000000000012}',
        '{"epoch": 4, "s": 0.010000000000000002, "c": null}',
    ]
    passes(*FOUR, "--check", four_rows(tmp_path, "\n".join(rows) + "\n", "c.jsonl"))
    document = '{"series": [], "rows": [\n  ' + ",\n  ".join(rows) + "\n]}\n"
    passes(*FOUR, "--check", four_rows(tmp_path, document, "c.json"))
    report = fails(*FOUR, "--check", four_rows(tmp_path, document.replace("null", "0.0"), "d.json"))
    assert "c:4  0.0       blank" in report


def test_a_missing_column_fails(tmp_path: Path) -> None:
    path = four_rows(tmp_path, "".join(line.rsplit(",", 1)[0] + "\n" for line in CSV.splitlines()))
    report = fails(*FOUR, "--check", path)
    assert report == (
        f"--check {path} failed (exact): 0 of 4 cells differ\n"
        "  column 'c': this run has it, the file does not\n"
    )


def test_an_extra_column_fails(tmp_path: Path) -> None:
    header, *rows = CSV.splitlines()
    path = four_rows(tmp_path, "".join([f"{header},x\n", *(f"{row},0.5\n" for row in rows)]))
    report = fails(*FOUR, "--check", path)
    assert report == (
        f"--check {path} failed (exact): 0 of 8 cells differ\n"
        "  column 'x': the file has it, this run does not\n"
    )


def test_columns_are_matched_by_label_not_by_place(tmp_path: Path) -> None:
    swapped = "".join(f"{row},{c},{s}\n" for row, s, c in (line.split(",") for line in CSV.splitlines()))
    passes(*FOUR, "--check", four_rows(tmp_path, swapped))


def test_check_reports_a_different_row_count_and_row_label(tmp_path: Path) -> None:
    report = fails(f"{STEP} -n 5", COSINE, "-l", "s", "-l", "c", "--check", four_rows(tmp_path))
    assert report.endswith("  row count: the file has 4, this run 5\n")
    report = fails(*FOUR, "--check", four_rows(tmp_path, CSV.replace("epoch,", "step,")))
    assert report.endswith("  rows: the file labels them 'step', this run 'epoch'\n")


def test_check_reports_each_columns_parameters_recorded_in_json(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    assert lrsched("compare", *LABELLED, "-f", "json", "-o", str(path)).exit_code == 0
    report = fails(
        STEP, "cosine --lr 0.1 --t-max 3 --min-lr 0.01", "-l", "s", "-l", "c", "--check", str(path)
    )
    assert "  column 'c': parameter min_lr: the file has 0.0, this run 0.01\n" in report


def test_check_stops_where_the_file_ends(tmp_path: Path) -> None:
    done = in_a_process(*LABELLED, "-n", HUGE, "--check", four_rows(tmp_path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.endswith(f"  row count: the file has 4, this run {HUGE}\n")


def test_expect_and_check_together_report_both(tmp_path: Path) -> None:
    report = fails(*LABELLED, "-n", "5", "--check", four_rows(tmp_path), "--expect", "s:1=0.2")
    assert report.startswith("--expect failed")
    assert f"--check {tmp_path / 'c.csv'} failed" in report


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("", ("is empty",)),
        ("epoch,s,c\n1,0.1,0.1", ("line 2 ends without a newline",)),
        ("epoch,s,c\n2,0.1,0.1\n", ("row 1 is labelled 2",)),
        ("epoch,s,c\n1,0.1\n", ("row 1 has 2 fields, not 3",)),
        ("epoch,s,c\n1,0.1,nan\n", ("row 1, column 'c' has 'nan', not a finite number",)),
        ("epoch,s,c\n1,0.1,fast\n", ("row 1 is '1,0.1,fast'",)),
        ('{"epoch": 1, "s": 0.1, "c": "x"}\n', ("row 1, column 'c' has 'x'",)),
        ('{"epoch": 1, "s": 0.1, "c": 0.1}\n{"epoch": 2, "s": 0.1}\n', ("row 2 is", "the keys epoch, s, c")),
        ('{"rows": [{"epoch": 1, "s": 0.1, "c": 0.1}]} x\n', ("text follows its JSON document",)),
        ("lr\n0.1\n", ("not CSV, JSON or JSON Lines that compare wrote",)),
    ],
)
def test_a_file_compare_did_not_write_is_a_usage_error(
    tmp_path: Path, text: str, fragments: tuple[str, ...]
) -> None:
    assert_usage_error(
        lrsched("compare", *LABELLED, "--check", four_rows(tmp_path, text)), "'--check'", *fragments
    )


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert_usage_error(
        lrsched("compare", *LABELLED, "--check", str(tmp_path / "none.csv")), "'--check'", "cannot read"
    )
