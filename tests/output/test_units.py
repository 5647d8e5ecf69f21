"""What a row is, in every label a format writes: an epoch, or an optimizer step (issue 9, defect 14).

A framework that steps its schedule once per optimizer update (Hugging Face, Keras, optax, timm
with ``t_in_epochs=False``) gives rows labelled ``Step``; PyTorch and timm by default, and every
generic command, keep ``Epoch``. Rates are written out by hand from the closed forms:
get_linear_schedule_with_warmup(optimizer, 2, 5) at lr 0.1 is 0.1 * t / 2 for t < 2, then
0.1 * (5 - t) / 3: 0.0, 0.05, 0.1, 0.06666666666666667, 0.03333333333333333.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import lrsched

HF = ("from", "get_linear_schedule_with_warmup(optimizer, 2, 5)", "--lr", "0.1", "-q")
RATES = ["0.0", "0.05", "0.1", "0.06666666666666667", "0.03333333333333333"]


def output(*args: str) -> str:
    result = lrsched(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_blog_labels_optimizer_steps_step() -> None:
    assert output(*HF).splitlines() == [
        "Step 1, Learning Rate: 0.000000",
        "Step 2, Learning Rate: 0.050000",
        "Step 3, Learning Rate: 0.100000",
        "Step 4, Learning Rate: 0.066667",
        "Step 5, Learning Rate: 0.033333",
    ]


def test_csv_and_json_lines_name_the_column_step() -> None:
    assert output(*HF, "-f", "csv") == "step,lr\n" + "".join(f"{k},{lr}\n" for k, lr in enumerate(RATES, 1))
    assert output(*HF, "-f", "jsonl") == "".join(
        f'{{"step": {k}, "lr": {lr}}}\n' for k, lr in enumerate(RATES, 1)
    )


def test_json_rows_are_labelled_step() -> None:
    rows = json.loads(output(*HF, "-f", "json"))["rows"]
    assert rows[3] == {"step": 4, "lr": 0.06666666666666667}
    assert [list(row) for row in rows] == [["step", "lr"]] * 5


def test_the_table_header_says_step() -> None:
    lines = output(*HF, "-f", "table").splitlines()
    assert lines[0].split() == ["Step", "Learning", "rate"]
    assert lines[5].split() == ["4", "0.066667"]


def test_the_plot_axis_and_caption_count_steps() -> None:
    lines = output(*HF, "-f", "plot").splitlines()
    assert any(line.endswith("-> (step)") for line in lines)
    assert lines[-1] == "peak 0.1 at step 3, final 0.0333333 at step 5"


def test_an_svg_labels_its_axis_step(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")  # the image extra; the test venv has it
    path = tmp_path / "hf.svg"
    assert lrsched(*HF, "-f", "svg", "-o", str(path)).exit_code == 0
    root = ET.parse(path).getroot()
    texts = ["".join(node.itertext()).strip() for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "step" in texts
    assert "epoch" not in texts


@pytest.mark.parametrize(
    ("expression", "first"),
    [
        ("get_constant_schedule(optimizer)", "Step 1"),
        ("keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)", "Step 1"),
        ("optax.constant_schedule(0.1)", "Step 1"),
        ("CosineLRScheduler(optimizer, t_initial=10, t_in_epochs=False)", "Step 1"),
        ("CosineLRScheduler(optimizer, t_initial=10)", "Epoch 1"),  # t_in_epochs=True, timm's default
        ("StepLR(optimizer, step_size=10)", "Epoch 1"),  # PyTorch: the loop decides, per epoch
        ("OneCycleLR(optimizer, max_lr=0.1, total_steps=10)", "Epoch 1"),
    ],
)
def test_each_framework_labels_rows_by_what_its_t_counts(expression: str, first: str) -> None:
    line = output("from", expression, "--lr", "0.1", "-q", "-n", "1")
    assert line.startswith(f"{first}, Learning Rate: ")


def test_generic_commands_keep_epoch_and_epoch_step() -> None:
    assert (
        output("step", "--lr", "0.1", "--step-size", "1", "-n", "1") == "Epoch 1, Learning Rate: 0.100000\n"
    )
    per_step = ("step", "--lr", "0.1", "--step-size", "1", "-n", "1", "--steps-per-epoch", "2")
    assert output(*per_step).splitlines()[1] == "Epoch 1, Step 2, Learning Rate: 0.100000"
    assert output(*per_step, "-f", "csv") == "epoch,step,lr\n1,1,0.1\n1,2,0.1\n"
