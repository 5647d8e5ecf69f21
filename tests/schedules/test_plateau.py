"""plateau: PyTorch ReduceLROnPlateau's numbers, the metrics file at the CLI edge, bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers import assert_usage_error, lrsched, parity

from lrsched_cli.errors import InputError
from lrsched_cli.inputs import read_numbers
from lrsched_cli.schedules import BeyondEnd
from lrsched_cli.schedules.plateau import PlateauMode, ThresholdMode, reduce_on_plateau


def rates(*argv: str, input: str | None = None) -> list[float]:
    result = lrsched(*argv, "-f", "csv", input=input)
    assert result.exit_code == 0, result.stderr
    return [float(row["lr"]) for row in csv.DictReader(io.StringIO(result.stdout))]


METRICS = (5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 3.0)
# torch 2.13 ReduceLROnPlateau(patience=1, cooldown=1, factor=0.5), lr 1.0: the rate before each
# step(metric), then after the last
TORCH_COOLDOWN = parity("suites")["vectors"]["test_plateau:TORCH_COOLDOWN"]["rates"]


def test_plateau_with_cooldown_matches_pytorch() -> None:
    rate = reduce_on_plateau(lr=1.0, metrics=METRICS, patience=1, cooldown=1, factor=0.5)
    assert [rate(t) for t in range(9)] == TORCH_COOLDOWN
    with pytest.raises(BeyondEnd) as raised:
        rate(9)
    assert raised.value.rows == 9


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # rel: 0.99995 is not below 1 * (1 - 1e-4), so epoch 2 is a bad one
        ({"patience": 0}, [1.0, 1.0, 0.1, 0.1]),
        ({"patience": 0, "threshold_mode": ThresholdMode.abs, "threshold": 0.0}, [1.0, 1.0, 1.0, 1.0]),
        ({"patience": 0, "min_lr": 0.5}, [1.0, 1.0, 0.5, 0.5]),
        ({"patience": 0, "eps": 0.95}, [1.0, 1.0, 1.0, 1.0]),  # a drop of 0.9 is below eps: skipped
        ({"patience": 0, "mode": PlateauMode.max}, [1.0, 1.0, 0.1, 0.01]),
    ],
)
def test_plateau_thresholds_floor_eps_and_mode(options: dict[str, object], expected: list[float]) -> None:
    rate = reduce_on_plateau(lr=1.0, metrics=(1.0, 0.99995, 0.5), **options)  # type: ignore[arg-type]
    assert [rate(t) for t in range(4)] == pytest.approx(expected, rel=1e-15)


def test_plateau_reads_stdin_and_shows_one_row_per_metric() -> None:
    text = "\n".join(map(str, METRICS)) + "\n"
    argv = ["plateau", "--lr", "1", "--metrics", "-", "--patience", "1", "--cooldown", "1", "--factor", "0.5"]
    assert rates(*argv, input=text) == TORCH_COOLDOWN[:8]
    assert rates(*argv, "-n", "9", input=text) == TORCH_COOLDOWN


def test_plateau_past_the_last_metric_is_a_usage_error() -> None:
    result = lrsched("plateau", "--lr", "1", "--metrics", "-", "-n", "4", input="1\n2\n")
    assert_usage_error(
        result, "'--epochs'", "at most 3", "got 4", "2 metric values give the rates of 3 epochs"
    )


def test_plateau_holds_each_epochs_rate_for_its_steps(tmp_path: Path) -> None:
    path = tmp_path / "loss.txt"
    path.write_text("1\n1\n1\n", encoding="utf-8")
    argv = ["plateau", "--lr", "1", "--metrics", str(path), "--patience", "0", "--steps-per-epoch", "2"]
    assert rates(*argv) == pytest.approx([1, 1, 1, 1, 0.1, 0.1])
    with_warmup = rates(*argv, "--warmup", "1")
    assert with_warmup == pytest.approx([0, 0.5, 1, 1, 1, 1, 0.1, 0.1])


def test_plateau_reads_a_csv_column(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("epoch, val_acc\n1,0.5\n2,0.4\n3,0.4\n\n", encoding="utf-8")
    argv = ["plateau", "--lr", "1", "--metrics", str(path), "--column", "val_acc", "--mode", "max"]
    assert rates(*argv, "--patience", "0", "-n", "4") == pytest.approx([1, 1, 0.1, 0.01])


def test_read_numbers_skips_blank_lines_at_the_end_only_and_names_file_and_line() -> None:
    assert read_numbers(["1\n", " 2.5 \n", "\n", " \n"], "m.txt") == (1.0, 2.5)
    with pytest.raises(InputError, match=r"m.txt line 2: 'x' is not a number"):
        read_numbers(["1\n", "x\n"], "m.txt")
    # a blank line between two values would shift every later epoch by one: an error naming it
    with pytest.raises(InputError, match=r"m.txt line 2: a blank line between values"):
        read_numbers(["1\n", "\n", "2\n"], "m.txt")
    with pytest.raises(InputError, match=r"m.txt line 3: a blank line between values"):
        read_numbers(["loss\n", "1\n", ",\n", "2\n"], "m.txt", column="loss")


@pytest.mark.parametrize(
    ("text", "extra", "fragments"),
    [
        ("1\n2\nabc\n", [], ["'--metrics'", "line 3", "'abc' is not a number"]),
        ("1\nnan\n", [], ["'--metrics'", "line 2", "not a finite number"]),
        ("1\n1e309\n", [], ["line 2", "not a finite number"]),
        ("epoch,loss\n1,2\n", [], ["line 1", "'epoch,loss' is not a number", "--column"]),
        ("epoch,loss\n1,2\n", ["--column", "acc"], ["line 1", "no column 'acc'", "'epoch', 'loss'"]),
        ("epoch,loss\n1,2\n2\n", ["--column", "loss"], ["line 3", "no value in column 'loss'"]),
        ("epoch,loss\n1,x\n", ["--column", "loss"], ["line 2", "'x' is not a number"]),
        ("", ["--column", "loss"], ["line 1", "no column 'loss'", "found nothing"]),
        ("", [], ["'--metrics'", "no numbers in it"]),
        ("\n\n", [], ["'--metrics'", "no numbers in it"]),
        ("loss\n", ["--column", "loss"], ["'--metrics'", "no numbers in it under column 'loss'"]),
        ("1\n\n2\n", [], ["'--metrics'", "line 2", "a blank line between values"]),
        ("epoch,val_loss\n1,2\n", ["--column", "val-loss"], ["line 1", "did you mean 'val_loss'?"]),
        ("x" * 10_000_000 + "\n", [], ["line 1", "longer than 1024 characters", "(starts 'xxxx"]),
        ("1\n" + "2" * 5000 + "\n", [], ["line 2", "longer than 1024 characters"]),
        ("1\n" + " 5" * 500 + "\n", [], ["line 2", "is not a number", "(999 characters)"]),
        ("a,b\n" + "1," * 600_000 + "\n", ["--column", "a"], ["line 2", "longer than 1048576"]),
    ],
)
def test_bad_metrics_name_the_file_and_line(
    tmp_path: Path, text: str, extra: list[str], fragments: list[str]
) -> None:
    path = tmp_path / "metrics.txt"
    path.write_text(text, encoding="utf-8")
    assert_usage_error(
        lrsched("plateau", "--lr", "1", "--metrics", str(path), *extra), str(path), *fragments[1:]
    )
    stdin = lrsched("plateau", "--lr", "1", "--metrics", "-", *extra, input=text)
    assert_usage_error(stdin, *fragments)
    assert len(stdin.stderr) < 400  # a huge line is quoted in part


@pytest.mark.parametrize(
    ("text", "extra"), [("1\n0.5\n", []), ("loss,acc\n1,0.9\n0.5,0.8\n", ["--column", "loss"])]
)
def test_metrics_saved_with_a_byte_order_mark_read_as_without(
    tmp_path: Path, text: str, extra: list[str]
) -> None:
    # Excel's "CSV UTF-8" and Windows PowerShell's Out-File start the file with U+FEFF.
    path = tmp_path / "metrics.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert rates("plateau", "--lr", "1", "--metrics", str(path), *extra) == [1.0, 1.0]
    assert rates("plateau", "--lr", "1", "--metrics", "-", *extra, input="\ufeff" + text) == [1.0, 1.0]


def test_unreadable_metrics_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    assert_usage_error(
        lrsched("plateau", "--lr", "1", "--metrics", str(missing)), "'--metrics'", str(missing)
    )
    assert_usage_error(
        lrsched("plateau", "--lr", "1", "--metrics", str(tmp_path)), "'--metrics'", "cannot read"
    )
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe1\n")
    assert_usage_error(lrsched("plateau", "--lr", "1", "--metrics", str(binary)), "not UTF-8")


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--factor", "1"], ["'--factor'", "below 1", "got 1.0"]),
        (["--factor", "-0.1"], ["'--factor'", "got -0.1"]),
        (["--patience", "-1"], ["'--patience'", "got -1"]),
        (["--cooldown", "-1"], ["'--cooldown'", "got -1"]),
        (["--threshold", "-0.1"], ["'--threshold'", "got -0.1"]),
        (["--min-lr", "2"], ["'--min-lr'", "got 2.0"]),
        (["--eps", "nan"], ["'--eps'", "finite"]),
        (["--lr", "0"], ["'--lr'", "got 0.0"]),
        (["--mode", "minimum"], ["'--mode'"]),
        (["--threshold-mode", "relative"], ["'--threshold-mode'"]),
    ],
)
def test_plateau_bad_input(argv: list[str], fragments: list[str]) -> None:
    options = {"--lr": "1", "--metrics": "-", **dict(zip(argv[::2], argv[1::2]))}
    flat = [part for pair in options.items() for part in pair]
    assert_usage_error(lrsched("plateau", *flat, input="1\n2\n"), *fragments)
