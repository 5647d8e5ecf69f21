"""--expect and --check: checking a schedule instead of writing it (exit 0 / 1 / 2).

Expected rates are computed by hand from the closed forms, not by lrsched:
cosine --lr 0.1 --min-lr 0.001 (t_max 30), row k = 0.001 + 0.099 * (1 + cos(pi * (k - 1) / 30)) / 2,
row 10 = 0.07959536998847742, row 30 = 0.0012711661792704667.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import assert_usage_error, lrsched

from lrsched_cli.check import parse_expectation

COSINE = ("cosine", "--lr", "0.1", "--min-lr", "0.001")
ROW_10 = "0.07959536998847742"


def passes(*args: str, input: str | None = None) -> None:
    result = lrsched(*args, input=input)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def fails(*args: str, input: str | None = None) -> str:
    """Exit 1, nothing on stdout; returns the report on stderr."""
    result = lrsched(*args, input=input)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr


# --expect: the written-digits tolerance


@pytest.mark.parametrize(
    ("text", "half_unit"),
    [
        ("0.079595", "5e-7"),
        ("0.07959", "5e-6"),
        ("0.10", "5e-3"),
        ("1e-5", "5e-6"),
        ("1.5e-5", "5e-7"),
        ("100e-3", "5e-4"),
        ("0.0", "5e-2"),
        ("0", "0"),  # a bare integer has no digit after the point: exact
        ("1", "0"),
    ],
)
def test_tolerance_is_half_a_unit_in_the_last_digit_written(text: str, half_unit: str) -> None:
    assert parse_expectation(f"3={text}").half_unit() == Decimal(half_unit)


def test_expect_passes_within_half_a_unit_of_the_digits_written() -> None:
    passes(*COSINE, "--expect", "10=0.079595", "--expect", "1=0.1", "--expect", "30=0.001271")


def test_expect_one_digit_fewer_fails_with_a_report() -> None:
    report = fails(*COSINE, "--expect", "10=0.07959", "--expect", "1=0.1")
    assert report == (
        "--expect failed (half a unit in the last digit written): 1 of 2 rows differ\n"
        "       row  expected  got\n"
        f"        10  0.07959   {ROW_10}\n"
    )


def test_every_rate_as_the_blog_format_prints_it_passes() -> None:
    blog = lrsched(*COSINE).stdout.splitlines()
    expectations = [f"{line.split(',')[0].split()[1]}={line.split(': ')[1]}" for line in blog]
    assert expectations[9] == "10=0.079595"
    passes(*COSINE, *(arg for text in expectations for arg in ("--expect", text)))


@pytest.mark.parametrize(("text", "ok"), [("1.27e-3", True), ("1.3e-3", True), ("1.2e-3", False)])
def test_exponent_forms_count_the_last_significand_digit(text: str, ok: bool) -> None:
    # row 30 is 0.0012711661792704667: 1.27e-3 +- 5e-6 and 1.3e-3 +- 5e-5 hold it, 1.2e-3 +- 5e-5 not
    result = lrsched(*COSINE, "--expect", f"30={text}")
    assert result.exit_code == (0 if ok else 1)


def test_a_bare_integer_must_match_exactly() -> None:
    # cosine to 0 over 30 epochs: row 31 is exactly 0, row 30 is 0.00027390523158633
    run = ("cosine", "--lr", "0.1", "--t-max", "30", "-n", "31")
    passes(*run, "--expect", "31=0", "--expect", "30=0.0")
    assert "0.00027390523158633" in fails(*run, "--expect", "30=0")


@pytest.mark.parametrize(
    ("option", "ok"),
    [
        (("--tol", "1e-5"), True),  # 0.0796 is 4.6e-6 from row 10
        (("--tol", "1e-6"), False),
        (("--rtol", "1e-4"), True),  # 1e-4 * 0.0796 = 7.96e-6
        (("--rtol", "1e-5"), False),
        (("--tol", "1e-6", "--rtol", "1e-4"), True),  # within either
    ],
)
def test_tol_and_rtol_replace_the_written_digits_rule(option: tuple[str, ...], ok: bool) -> None:
    result = lrsched(*COSINE, "--expect", "10=0.0796", *option)
    assert (result.exit_code, result.stdout) == (0 if ok else 1, "")


def test_with_steps_per_epoch_the_row_is_the_step() -> None:
    # step-size 1 epoch of 2 steps: steps 1, 2 at 0.1, steps 3, 4 at 0.1 * 0.1
    run = ("step", "--lr", "0.1", "--step-size", "1", "--steps-per-epoch", "2", "-n", "2")
    passes(*run, "--expect", "2=0.1", "--expect", "3=0.01", "--expect", "4=0.01")
    assert "         3  0.1       0.010000000000000002" in fails(*run, "--expect", "3=0.1")


def test_expect_reaches_rows_past_the_first_chunk() -> None:
    # halved every 1000 epochs: row 9000 is t = 8999, eight halvings
    run = ("step", "--lr", "0.1", "--step-size", "1000", "--gamma", "0.5", "-n", "10000")
    passes(*run, "--expect", "9000=0.000390625", "--expect", "10000=0.0001953125")
    fails(*run, "--expect", "9001=0.000390625")


HUGE = str(10**12)
"""Rows no run could compute: a check must stop at the last row it needs."""


def in_a_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``lrsched ARGS`` as a process, so that a run that never ends fails the test after 60 s."""
    command = [sys.executable, "-m", "lrsched_cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "run",
    [
        ("cosine", "--lr", "0.1", "--t-max", "30", "-n", HUGE),
        ("from", "StepLR(opt, step_size=10)", "--lr", "0.1", "-n", HUGE),  # from computes no dry run
    ],
)
def test_expect_stops_at_the_last_row_it_needs(run: tuple[str, ...]) -> None:
    # cosine to 0 over 30: row 16 is 0.05 exactly (cos(pi / 2)), row 31 is 0; StepLR: 0.01 at 11, 0.001 at 21
    expectations = ("16=0.05", "31=0") if run[0] == "cosine" else ("11=0.01", "21=0.001")
    done = in_a_process(*run, *(arg for text in expectations for arg in ("--expect", text)))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_an_expectation_past_the_end_is_refused_before_any_row_is_computed() -> None:
    done = in_a_process("cosine", "--lr", "0.1", "-n", HUGE, "--expect", f"{10**12 + 1}=0.1")
    assert (done.returncode, done.stdout) == (2, "")
    assert f"row {10**12 + 1} does not exist: this run has {HUGE} rows" in done.stderr


def test_check_stops_where_the_file_ends(tmp_path: Path) -> None:
    path = written(tmp_path, "c.csv", "cosine", "--lr", "0.1", "--t-max", "30", "-f", "csv")
    done = in_a_process("cosine", "--lr", "0.1", "--t-max", "30", "-n", HUGE, "--check", path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.endswith(f"  row count: the file has 30, this run {HUGE}\n")


def test_rows_after_the_last_expected_cannot_change_the_verdict() -> None:
    # 2.0 ** e overflows at e = 1024: rows never computed cannot fail the run; the rows do
    run = ("from", "LambdaLR(opt, lambda e: 2.0 ** e)", "--lr", "0.1", "-n", "2000")
    passes(*run, "--expect", "2=0.2")
    assert_usage_error(lrsched(*run), "failed at e=1024")
    assert_usage_error(lrsched(*run, "--expect", "2000=0.2"), "failed at e=1024")


def test_a_report_lists_the_first_ten_and_counts_the_rest() -> None:
    args = [arg for k in range(1, 13) for arg in ("--expect", f"{k}=1.0")]
    report = fails("step", "--lr", "0.1", "--step-size", "10", *args)
    assert report.startswith(
        "--expect failed (half a unit in the last digit written): 12 of 12 rows differ\n"
    )
    assert "        10  1.0       0.1\n" in report
    assert "        11  1.0       0.010000000000000002\n" not in report
    assert report.endswith("  ... and 2 more\n")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--expect", "10"), ("'--expect'", "ROW=RATE", "'10'")),
        (("--expect", "ten=0.1"), ("'--expect'", "'ten=0.1'")),
        (("--expect", "10=abc"), ("'--expect'", "'10=abc'")),
        (("--expect", "10=nan"), ("'--expect'", "'10=nan'")),
        (("--expect", "10=1_0"), ("'--expect'", "'10=1_0'")),
        (("--expect", "0=0.1"), ("'--expect'", "numbered from 1", "'0=0.1'")),
        (("--expect", "31=0.1"), ("'--expect'", "row 31 does not exist", "30 rows", "31=0.1")),
        (("--expect", "1=0.1", "--tol", "-1"), ("'--tol'", "-1")),
        (("--expect", "1=0.1", "--tol", "nan"), ("'--tol'", "nan")),
        (("--expect", "1=0.1", "--rtol", "inf"), ("'--rtol'", "inf")),
    ],
)
def test_malformed_expectations_are_usage_errors(args: tuple[str, ...], fragments: tuple[str, ...]) -> None:
    assert_usage_error(lrsched(*COSINE, *args), *fragments)


def test_expect_on_from() -> None:
    passes("from", "StepLR(opt, step_size=10)", "--lr", "0.1", "--expect", "11=0.01", "--expect", "30=0.001")
    assert "        11  0.1" in fails(
        "from", "StepLR(opt, step_size=10)", "--lr", "0.1", "--expect", "11=0.1"
    )


# --check FILE


def written(tmp_path: Path, name: str, *args: str) -> str:
    result = lrsched(*args)
    assert result.exit_code == 0
    path = tmp_path / name
    path.write_text(result.stdout, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
@pytest.mark.parametrize(
    "run",
    [
        COSINE,
        ("step", "--lr", "0.1", "--step-size", "3", "--steps-per-epoch", "4", "--warmup", "2"),
    ],
)
def test_check_passes_against_what_lrsched_wrote(tmp_path: Path, fmt: str, run: tuple[str, ...]) -> None:
    passes(*run, "--check", written(tmp_path, "no-extension", *run, "-f", fmt))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_check_passes_against_no_rows_written_with_their_header(tmp_path: Path, fmt: str) -> None:
    run = ("cosine", "--lr", "0.1", "-n", "0")
    passes(*run, "--check", written(tmp_path, "none", *run, "-f", fmt))


@pytest.mark.parametrize("run", [COSINE, ("cosine", "--lr", "0.1", "-n", "0")])
def test_a_check_that_reads_nothing_is_a_usage_error(tmp_path: Path, run: tuple[str, ...]) -> None:
    """An empty file or stdin (a producer that failed, -n 0 -f jsonl) is nothing to check against."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert_usage_error(lrsched(*run, "--check", str(empty)), "'--check'", f"{str(empty)!r} is empty")
    assert_usage_error(lrsched(*run, "--check", "-", input=""), "'--check'", "'-' is empty")


def test_a_check_with_stdin_closed_is_a_usage_error() -> None:
    """``--check - <&-``: Python starts with no stdin at all; it used to pass, checking nothing."""
    script = 'exec "$0" -m lrsched_cli cosine --lr 0.1 --check - <&-'
    done = subprocess.run(["sh", "-c", script, sys.executable], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert "Invalid value for '--check': cannot read stdin ('-'): it is closed" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("cut", [1, 12, 30])
def test_a_file_cut_short_is_a_usage_error(tmp_path: Path, fmt: str, cut: int) -> None:
    """Cut after a whole row, or part-way through one (which could still read as a number)."""
    text = lrsched(*COSINE, "-f", fmt).stdout
    path = tmp_path / f"cut.{fmt}"
    path.write_text(text[: len(text) - cut])
    assert_usage_error(lrsched(*COSINE, "--check", str(path)), "'--check'", "the file was cut short")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_check_reads_stdin(fmt: str) -> None:
    passes(*COSINE, "--check", "-", input=lrsched(*COSINE, "-f", fmt).stdout)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_check_fails_on_different_rates(tmp_path: Path, fmt: str) -> None:
    path = written(tmp_path, f"s.{fmt}", "step", "--lr", "0.1", "--step-size", "10", "-f", fmt)
    report = fails("step", "--lr", "0.1", "--step-size", "11", "--check", path)
    # 0.1 * 0.1 ** (t // 10) against 0.1 * 0.1 ** (t // 11): rows 11, 21 and 22 differ
    assert report.startswith(
        f"--check {path} failed (exact): 3 of 30 rows differ\n"
        "       row  expected               got\n"
        "        11  0.010000000000000002   0.1\n"
        "        21  0.0010000000000000002  0.010000000000000002\n"
        "        22  0.0010000000000000002  0.010000000000000002\n"
    )


def test_check_reports_a_different_row_count(tmp_path: Path) -> None:
    path = written(tmp_path, "c.csv", *COSINE, "--t-max", "30", "-f", "csv")
    report = fails(*COSINE, "--t-max", "30", "-n", "31", "--check", path)
    assert (
        report
        == f"--check {path} failed (exact): 0 of 30 rows differ\n  row count: the file has 30, this run 31\n"
    )


HF = ("from", "get_linear_schedule_with_warmup(optimizer, 2, 5)", "--lr", "0.1", "-q")
"""Rows that are optimizer steps, labelled ``step``: 0.0, 0.05, 0.1, then 0.1 * (5 - t) / 3."""


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_check_reads_a_file_whose_rows_are_labelled_step(tmp_path: Path, fmt: str) -> None:
    path = written(tmp_path, f"hf.{fmt}", *HF, "-f", fmt)
    assert "step" in Path(path).read_text().splitlines()[0]
    passes(*HF, "--check", path)
    report = fails("from", "get_linear_schedule_with_warmup(optimizer, 1, 5)", "--lr", "0.1", "--check", path)
    # warmup 1: 0.0, 0.1, then 0.1 * (5 - t) / 4: every row but the first differs
    assert report.startswith(f"--check {path} failed (exact): 4 of 5 rows differ\n")
    assert report.splitlines()[2].split() == ["2", "0.05", "0.1"]


def test_check_reads_step_files_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "steps.csv"
    path.write_text("step,lr\n1,0.0\n2,0.05\n3,0.1\n4,0.06666666666666667\n5,0.03333333333333333\n")
    passes(*HF, "--check", str(path))
    path.write_text("".join(f'{{"step": {k}, "lr": {lr}}}\n' for k, lr in enumerate([0.0, 0.05, 0.1], 1)))
    passes(*HF, "-n", "3", "--check", str(path))


def test_check_reports_optimizer_steps_against_epochs(tmp_path: Path) -> None:
    path = written(tmp_path, "epochs.csv", "constant", "--lr", "0.1", "--factor", "1", "-n", "3", "-f", "csv")
    report = fails("from", "get_constant_schedule(optimizer)", "--lr", "0.1", "-n", "3", "--check", path)
    assert report.endswith("  rows: the file has one per epoch, this run one per optimizer step\n")


def test_check_reports_rows_per_step_against_rows_per_epoch(tmp_path: Path) -> None:
    path = written(
        tmp_path, "c.csv", "step", "--lr", "0.1", "--step-size", "10", "--steps-per-epoch", "1", "-f", "csv"
    )
    report = fails("step", "--lr", "0.1", "--step-size", "10", "--check", path)
    assert "  rows: the file has one per optimizer step, this run one per epoch\n" in report


def test_check_reports_parameter_differences_recorded_in_json(tmp_path: Path) -> None:
    # 30 rows of 0.1 either way: only the parameters differ
    path = written(tmp_path, "s.json", "step", "--lr", "0.1", "--step-size", "30", "-n", "30", "-f", "json")
    report = fails("step", "--lr", "0.1", "--step-size", "40", "-n", "30", "--check", path)
    assert report == (
        f"--check {path} failed (exact): 0 of 30 rows differ\n"
        "  parameter step_size: the file has 30, this run 40\n"
    )


def test_check_reports_a_different_schedule(tmp_path: Path) -> None:
    path = written(tmp_path, "s.json", "step", "--lr", "0.1", "--step-size", "30", "-f", "json")
    report = fails("exponential", "--lr", "0.1", "--gamma", "1", "--check", path)
    assert "  schedule: the file has 'step', this run 'exponential'\n" in report
    assert "  parameter step_size: the file has 30, this run does not have it\n" in report


def test_check_is_exact_unless_a_tolerance_is_given(tmp_path: Path) -> None:
    path = written(tmp_path, "c.csv", *COSINE, "-f", "csv")
    nearby = ("cosine", "--lr", "0.1", "--min-lr", "0.0010000001")  # row 10: 0.07959537000908816
    assert f"        10  {ROW_10}  0.07959537000908816\n" in fails(*nearby, "--check", path)
    passes(*nearby, "--check", path, "--rtol", "1e-6")
    passes(*nearby, "--check", path, "--tol", "1e-9")


def test_check_reads_reformatted_json_with_the_header_after_the_rows(tmp_path: Path) -> None:
    document = json.loads(lrsched(*COSINE, "-f", "json").stdout)
    path = tmp_path / "sorted.json"
    path.write_text(json.dumps(document, indent=3, sort_keys=True), encoding="utf-8")
    assert list(json.loads(path.read_text())) == ["params", "rows", "schedule"]
    passes(*COSINE, "--check", str(path))
    assert "parameter min_lr: the file has 0.001, this run 0.002" in fails(
        "cosine", "--lr", "0.1", "--min-lr", "0.002", "--check", str(path)
    )


def test_check_streams_past_the_first_chunk(tmp_path: Path) -> None:
    run = ("step", "--lr", "0.1", "--step-size", "1000", "--gamma", "0.5", "-n", "10000")
    for fmt in ("json", "csv"):
        path = written(tmp_path, f"big.{fmt}", *run, "-f", fmt)
        passes(*run, "--check", path)
        report = fails(
            "step", "--lr", "0.1", "--step-size", "1000", "--gamma", "0.5", "-n", "10001", "--check", path
        )
        assert report.endswith("  row count: the file has 10000, this run 10001\n")


def test_expect_and_check_together_report_both(tmp_path: Path) -> None:
    path = written(tmp_path, "c.jsonl", "step", "--lr", "0.1", "--step-size", "10", "-f", "jsonl")
    report = fails("step", "--lr", "0.1", "--step-size", "11", "--check", path, "--expect", "11=0.01")
    assert report.startswith("--expect failed")
    assert f"--check {path} failed (exact): 3 of 30 rows differ" in report


def test_check_on_from(tmp_path: Path) -> None:
    run = ("from", "StepLR(opt, step_size=10)", "--lr", "0.1")
    path = written(tmp_path, "from.json", *run, "-f", "json")
    passes(*run, "--check", path)
    report = fails("from", "StepLR(opt, step_size=11)", "--lr", "0.1", "--check", path)
    expression = "the file has 'StepLR(opt, step_size=10)', this run 'StepLR(opt, step_size=11)'"
    assert f"  parameter expression: {expression}\n" in report


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("hello\n", ("is not a file lrsched wrote", "not CSV, JSON or JSON Lines")),
        ("epoch,rate\n1,0.1\n", ("its header is 'epoch,rate'", "epoch,lr, step,lr, epoch,step,lr")),
        ("step,epoch,lr\n1,1,0.1\n", ("its header is 'step,epoch,lr'",)),
        ("epoch,lr\n1,0.1\n2,abc\n", ("row 2 is '2,abc'",)),
        ("epoch,lr\n1,0.1\n3,0.1\n", ("row 2 is labelled 3",)),
        ("epoch,lr\n1,nan\n", ("row 1 has rate nan",)),
        ("epoch,lr\n1,0.1,7\n", ("row 1 has 3 fields",)),
        ('{"epoch": 1, "lr": 0.1}\n{"epoch": 2,\n', ("line 2 is not JSON",)),
        ('{"epoch": 1, "lr": 0.1}\n[1, 2]\n', ("row 2 is [1, 2]",)),
        ('{"schedule": "cosine", "rows": [\n  {"epoch": 1, "lr": 0.1},\n', ("its JSON",)),
        ('{"schedule": "cosine"}', ("its JSON has no rows",)),
        ('{"schedule": "cosine", "rows": [{"epoch": 1, "lr": "0.1"}]}', ("row 1 has rate '0.1'",)),
    ],
)
def test_an_unreadable_file_is_a_usage_error(
    tmp_path: Path, content: str, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "bad"
    path.write_text(content, encoding="utf-8")
    assert_usage_error(lrsched(*COSINE, "--check", str(path)), "'--check'", *fragments)


DEEP = "[" * 100_000 + "]" * 100_000
DIGITS = "1" * 5000


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("epoch,lr\n1," + "1" * 200_000 + "\n", ("row 1 (line 2) cannot be read", "field larger")),
        (f"epoch,lr\n{DIGITS},0.1\n", ("row 1 is '11111", "(5006 characters)")),
        (f'{{"epoch": 1, "lr": 0.1}}\n{{"epoch": {DIGITS}, "lr": 0.1}}\n', ("line 2", "over 4,300 digits")),
        (
            f'{{"epoch": 1, "lr": 0.1}}\n{{"epoch": 2, "lr": 0.1, "x": {DEEP}}}\n',
            ("line 2", "nested too deeply"),
        ),
        (f'{{"epoch": {DIGITS}, "lr": 0.1}}\n', ("over 4,300 digits), at line 1, column 11",)),
        (f'{{"schedule": "cosine", "rows": [{{"epoch": {DIGITS}, "lr": 0.1}}]}}', ("at line 1, column 33",)),
        (
            f'{{"schedule": "cosine", "params": {DEEP}, "rows": []}}',
            ("nested too deeply", "line 1, column 34"),
        ),
        (
            '{"rows": [\n  {"epoch": 1, "lr": 1' + "0" * 400 + "}\n]}\n",
            ("row 1 has rate 1000", "(401 characters)"),
        ),
        (
            '{"rows": [{"epoch": 1, "lr": 0.1}]}\n\n garbage\n',
            ("text follows its JSON", "at line 3, column 2"),
        ),
        (
            '{"rows": [{"epoch": 1, "lr": 0.1}]}{"rows": []}',
            ("text follows its JSON", "at line 1, column 36"),
        ),
    ],
    ids=[
        "csv-field",
        "csv-digits",
        "jsonl-digits",
        "jsonl-deep",
        "jsonl-first",
        "json-digits",
        "json-deep",
        "json-overflow",
        "json-trailing",
        "json-twice",
    ],
)
def test_what_the_readers_cannot_hold_is_a_usage_error_naming_the_place(
    tmp_path: Path, content: str, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "bad"
    path.write_text(content, encoding="utf-8")
    result = lrsched("cosine", "--lr", "0.1", "-n", "1", "--check", str(path))
    assert_usage_error(result, "'--check'", f"{str(path)!r} is not a file lrsched wrote", *fragments)
    assert len(result.stderr) < 1000  # a 200 KiB field is not echoed whole


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.csv")
    assert_usage_error(
        lrsched(*COSINE, "--check", missing), "'--check'", f"cannot read {missing!r}", "No such file"
    )


def test_a_binary_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_bytes(b"epoch,lr\n1,\xff\xfe\n")
    assert_usage_error(lrsched(*COSINE, "--check", str(path)), "'--check'", "cannot read")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_check_reads_a_file_saved_with_a_byte_order_mark_and_crlf(tmp_path: Path, fmt: str) -> None:
    """As a Windows editor or PowerShell saves it: UTF-8 with a BOM, CRLF line endings."""
    path = tmp_path / f"saved.{fmt}"
    text = lrsched(*COSINE, "-f", fmt).stdout.replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    passes(*COSINE, "--check", str(path))
