"""lrsched compare: several schedules side by side, each column what its SPEC alone writes."""

from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path

import pytest
from helpers import assert_usage_error, lrsched

from lrsched_cli.output import FIGURES, Format
from lrsched_cli.output.figure import Curves, Look

STEP = "step --lr 0.1 --step-size 10"
COSINE = "cosine --lr 0.1 --min-lr 0.001"
ONE_CYCLE = 'from "OneCycleLR(opt, max_lr=0.1, total_steps=30)" --lr 0.1 --quiet'


def run(*args: str) -> str:
    result = lrsched(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def alone(spec: str, *extra: str) -> list[float]:
    rows = csv.DictReader(io.StringIO(run(*shlex.split(spec), *extra, "-f", "csv")))
    return [float(row["lr"]) for row in rows]


@pytest.mark.parametrize(
    "specs",
    [
        (STEP, COSINE),
        ("cosine --lr 0.1 --warmup 5", ONE_CYCLE),
        ("exponential --lr 0.1 --gamma 0.9", "cosine-restarts --lr 0.1 --t-0 7", "linear --lr 0.1"),
    ],
)
def test_each_column_equals_the_schedule_run_alone(specs: tuple[str, ...]) -> None:
    table = list(csv.reader(io.StringIO(run("compare", *specs, "-f", "csv"))))
    assert table[0] == ["epoch", *specs]
    assert [row[0] for row in table[1:]] == [str(k) for k in range(1, len(table))]
    for column, spec in enumerate(specs, 1):
        cells = [row[column] for row in table[1:]]
        rates = alone(spec)
        assert [float(cell) for cell in cells[: len(rates)]] == rates
        assert all(cell == "" for cell in cells[len(rates) :])


HF_CONSTANT = 'from "get_constant_schedule(optimizer)" --lr 0.1 -q'
OPTAX_CONSTANT = 'from "optax.constant_schedule(0.5)" -q'


def test_rows_that_are_all_optimizer_steps_are_labelled_step() -> None:
    specs = (HF_CONSTANT, OPTAX_CONSTANT, "-n", "2", "-l", "hf", "-l", "optax")
    assert run("compare", *specs, "-f", "csv") == "step,hf,optax\n1,0.1,0.5\n2,0.1,0.5\n"
    assert run("compare", *specs, "-f", "jsonl").splitlines()[1] == '{"step": 2, "hf": 0.1, "optax": 0.5}'
    assert run("compare", *specs).splitlines()[0].split() == ["Step", "hf", "optax"]
    assert "-> (step)" in run("compare", *specs, "-f", "plot")


def test_epochs_beside_steps_are_labelled_row() -> None:
    specs = ("constant --lr 0.1 --factor 1", HF_CONSTANT, "-n", "2", "-l", "epochs", "-l", "steps")
    assert run("compare", *specs, "-f", "csv") == "row,epochs,steps\n1,0.1,0.1\n2,0.1,0.1\n"
    assert json.loads(run("compare", *specs, "-f", "json"))["rows"][0] == {
        "row": 1,
        "epochs": 0.1,
        "steps": 0.1,
    }


def test_a_label_may_not_be_the_row_column_it_would_hide() -> None:
    assert_usage_error(
        lrsched("compare", HF_CONSTANT, OPTAX_CONSTANT, "-l", "step", "-l", "b"), "'--label'", "'step'"
    )
    assert run("compare", STEP, COSINE, "-n", "1", "-l", "step", "-l", "cosine", "-f", "csv").startswith(
        "epoch,step,cosine\n"
    )


def test_shorter_schedules_leave_blanks() -> None:
    # cosine over its natural 3 epochs: 0.1, 0.05 * (1 + cos(pi / 3)), 0.05 * (1 + cos(2 pi / 3));
    # step: 0.1 * 0.1 ** (t // 2)
    specs = ("cosine --lr 0.1 --t-max 3", "step --lr 0.1 --step-size 2 -n 5", "--label", "c", "--label", "s")
    assert run("compare", *specs, "-f", "csv") == (
        "epoch,c,s\n"
        "1,0.1,0.1\n"
        "2,0.07500000000000001,0.1\n"
        "3,0.025000000000000012,0.010000000000000002\n"
        "4,,0.010000000000000002\n"
        "5,,0.0010000000000000002\n"
    )
    assert run("compare", *specs, "-f", "jsonl").splitlines()[3:] == [
        '{"epoch": 4, "c": null, "s": 0.010000000000000002}',
        '{"epoch": 5, "c": null, "s": 0.0010000000000000002}',
    ]
    document = json.loads(run("compare", *specs, "-f", "json"))
    assert [row["c"] for row in document["rows"]] == [
        0.1,
        0.07500000000000001,
        0.025000000000000012,
        None,
        None,
    ]
    assert document["series"][0] == {
        "label": "c",
        "spec": "cosine --lr 0.1 --t-max 3",
        "schedule": "cosine",
        "params": {
            "lr": 0.1,
            "t_max": 3,
            "min_lr": 0.0,
            "warmup": 0,
            "warmup_start_lr": 0.0,
            "steps_per_epoch": None,
        },
    }
    table = run("compare", *specs).splitlines()
    assert table[0].split() == ["Epoch", "c", "s"]
    assert table[-1].split() == ["5", "0.001000"]


def test_labels_default_to_the_spec_and_are_quoted_in_csv() -> None:
    header = run("compare", STEP, ONE_CYCLE, "-n", "1", "-f", "csv").splitlines()[0]
    quoted = '"from ""OneCycleLR(opt, max_lr=0.1, total_steps=30)"" --lr 0.1 --quiet"'
    assert header == f"epoch,step --lr 0.1 --step-size 10,{quoted}"
    row = json.loads(run("compare", STEP, ONE_CYCLE, "-n", "1", "-f", "jsonl"))
    assert list(row) == ["epoch", STEP, ONE_CYCLE]


def test_epochs_applies_to_every_spec() -> None:
    output = run(
        "compare", "step --lr 0.1 --step-size 1 -n 9", COSINE, "-n", "2", "-f", "csv", "-l", "a", "-l", "b"
    )
    # cosine over 2 rows has t_max 2: row 2 is 0.001 + 0.099 * (1 + cos(pi / 2)) / 2
    assert output == "epoch,a,b\n1,0.1,0.1\n2,0.010000000000000002,0.0505\n"


def test_plot_overlays_the_series_with_a_legend() -> None:
    chart = run("compare", STEP, COSINE, "-f", "plot", "--label", "step", "--label", "cosine")
    assert "Legend" in chart
    assert "step: peak 0.1 at epoch 1, final 0.001 at epoch 30" in chart
    assert "\x1b[" not in chart


def test_an_image_gets_every_labelled_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """compare hands the image writer one curve per SPEC (matplotlib itself: tests/test_image.py)."""
    drawn: list[tuple[str, list[float]]] = []

    def fake_svg(curves: Curves, look: Look) -> bytes:
        drawn.extend((label, list(series.rates)) for label, series in curves)
        return b"<svg/>"

    monkeypatch.setitem(FIGURES, Format.svg, fake_svg)
    path = tmp_path / "compare.svg"
    assert (
        run("compare", STEP, "cosine --lr 0.1 --t-max 2", "-f", "svg", "-o", str(path), "-l", "s", "-l", "c")
        == ""
    )
    assert path.read_bytes() == b"<svg/>"
    # step: 0.1 for 30 rows; cosine over 2: 0.1, then 0.05 * (1 + cos(pi / 2))
    assert drawn == [
        ("s", [0.1] * 10 + [0.010000000000000002] * 10 + [0.0010000000000000002] * 10),
        ("c", [0.1, 0.05]),
    ]


def test_output_writes_text_formats_to_a_file(tmp_path: Path) -> None:
    path = tmp_path / "compare.csv"
    assert run("compare", STEP, COSINE, "-f", "csv", "-o", str(path)) == ""
    assert path.read_text(encoding="utf-8") == run("compare", STEP, COSINE, "-f", "csv")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            (STEP, "step --lr 0.1 --step-size 0"),
            ("SPEC 2 'step --lr 0.1 --step-size 0'", "'--step-size'", "got 0"),
        ),
        (("cosin --lr 0.1", STEP), ("SPEC 1 'cosin --lr 0.1'", "must start with a schedule command")),
        ((STEP, "list"), ("SPEC 2 'list'", "must start with a schedule command")),
        ((STEP, ""), ("SPEC 2 ''", "must start with a schedule command")),
        ((STEP, "cosine --lr 0.1 --bogus"), ("SPEC 2", "No such option: --bogus")),
        ((STEP, "cosine --lr 'x"), ("SPEC 2", "cannot split it", "No closing quotation")),
        ((STEP, "cosine --lr 0.1 -f csv"), ("SPEC 2", "--format: give --format to compare")),
        (
            (STEP, "cosine --lr 0.1 --expect 1=0.1"),
            ("SPEC 2", "--expect: give --expect to compare, as LABEL:ROW=RATE"),
        ),
        ((STEP, "cosine --lr 0.1 --emit torch"), ("SPEC 2", "--emit: compare shows rates, not framework")),
        (
            (STEP, "cosine --lr 0.1 --steps-per-epoch 2"),
            ("SPEC 2", "--steps-per-epoch", "aligns rows by epoch"),
        ),
        (  # a SPEC's --check-run was ignored: a check that never ran passed
            (STEP, "cosine --lr 0.1 --check-run trainer_state.json"),
            ("SPEC 2", "--check-run: check a run's log with the SPEC's own command"),
        ),
        ((STEP, "cosine --lr 0.1 --tag lr"), ("SPEC 2", "--tag: it names a series of --check-run's log")),
        ((STEP, "cosine --help"), ("SPEC 2", "cannot ask for help")),
        ((STEP, 'from "NoSuchLR(opt)" --lr 0.1'), ("SPEC 2", "NoSuchLR")),
        ((STEP,), ("SPEC", "at least two, got 1")),
        ((STEP, COSINE, "--label", "a"), ("'--label'", "one per SPEC (2), got 1")),
        ((STEP, COSINE, "--label", "a", "--label", "a"), ("'--label'", "'a' is given to two SPECs")),
        ((STEP, STEP), ("'--label'", "is given to two SPECs")),
        ((STEP, COSINE, "--label", "epoch", "--label", "b"), ("'--label'", "'epoch'")),
        ((STEP, COSINE, "-f", "blog"), ("'--format'", "for compare, got 'blog'")),
        ((STEP, COSINE, "-f", "png"), ("'--output'", "must name a file")),
        ((STEP, COSINE, "--log-y"), ("'--log-y'", "not to --format table")),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_spec(
    args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_usage_error(lrsched("compare", *args), *fragments)


def test_on_a_log_axis_a_series_all_at_zero_is_left_out_not_an_error() -> None:
    """Only when no SPEC has a rate above 0 is --log-y a usage error."""
    zero = "multistep --lr 0.1 --milestones 0 --gamma 0 -n 30"
    result = lrsched("compare", COSINE, zero, "-f", "plot", "--log-y")
    assert result.exit_code == 0, result.stderr
    assert "30 rows at 0 or below, not drawn on the log axis" in " ".join(result.stdout.split())
    assert_usage_error(
        lrsched("compare", zero, zero, "--label", "a", "--label", "b", "-f", "plot", "--log-y"),
        "no rate is above 0",
    )
