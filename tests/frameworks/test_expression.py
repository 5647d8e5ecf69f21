"""The expression parser: what it accepts, the tree it builds, and what it refuses (never eval)."""

from __future__ import annotations

import math
import sys
from types import FrameType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from _typeshed import TraceFunction

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce, supported
from lrsched_cli.frameworks.expression import Call, Lambda, Name, parse


def test_a_call_becomes_a_tree() -> None:
    call = parse(
        "torch.optim.lr_scheduler.StepLR(opt, 10, gamma=-0.5, milestones=[1, (2, 3)], d={'a': None})"
    )
    assert call.name == "torch.optim.lr_scheduler.StepLR"
    assert call.args == (Name("opt"), 10)
    assert call.kwargs == {"gamma": -0.5, "milestones": [1, (2, 3)], "d": {"a": None}}


def test_nested_calls_keep_their_source() -> None:
    call = parse("SequentialLR(o, schedulers=[LinearLR(o, total_iters=5)], milestones=[5])")
    inner = call.kwargs["schedulers"][0]  # type: ignore[index]
    assert isinstance(inner, Call)
    assert inner.source == "LinearLR(o, total_iters=5)"


@pytest.mark.parametrize(
    ("body", "epoch", "expected"),
    [
        ("0.95 ** epoch", 3, 0.95**3),
        ("min(1.0, (epoch + 1) / 5)", 2, 0.6),
        ("1.0 if epoch < 10 else 0.1", 10, 0.1),
        ("0.5 * (1 + math.cos(math.pi * epoch / 10))", 5, 0.5 * (1 + math.cos(math.pi * 5 / 10))),
        ("epoch // 3 % 2", 7, 0),
        ("-epoch + abs(-2)", 1, 1),
        ("0 < epoch <= 3", 3, True),
    ],
)
def test_lambdas_evaluate_with_python_semantics(body: str, epoch: int, expected: float) -> None:
    function = parse(f"LambdaLR(o, lambda epoch: {body})").args[1]
    assert isinstance(function, Lambda)
    assert function(epoch) == expected


def test_a_huge_integer_power_overflows_instead_of_hanging() -> None:
    function = parse("LambdaLR(o, lambda e: 10 ** (e * 100000))").args[1]
    assert isinstance(function, Lambda)
    with pytest.raises(DialectError, match="failed at e=1"):
        function(1)


@pytest.mark.parametrize(
    "body",
    [
        "(10 ** 4000) ** 4000",
        "((10 ** 4000) ** 4000) ** 4000",
        "(7 ** 4096) * (7 ** 4096) * (7 ** 4096) ** 9",
    ],
)
def test_giant_integers_fail_fast_instead_of_hanging(body: str) -> None:
    function = parse(f"LambdaLR(o, lambda e: {body})").args[1]
    assert isinstance(function, Lambda)
    with pytest.raises(DialectError, match="failed at e=0"):
        function(0)


def test_round_to_a_huge_negative_precision_is_zero_without_computing_ten_to_it() -> None:
    function = parse("LambdaLR(o, lambda e: round(10 ** 4000 + e, -10 ** 9) + 1)").args[1]
    assert isinstance(function, Lambda)
    assert function(1) == 1


def test_a_keyword_given_twice_is_refused_as_python_would() -> None:
    with pytest.raises(DialectError, match="keyword argument repeated: step_size"):
        parse("StepLR(optimizer, step_size=1, step_size=2)")


@pytest.mark.parametrize(
    "expression",
    [
        "LambdaLR(o, lambda e: " + "+".join(["e"] * 5000) + ")",
        "StepLR(o, 3, gamma=" + "-" * 3000 + "1)",
        "LambdaLR(o, lambda e: " + " if e < 5 else ".join(["1"] * 1500) + ")",
    ],
)
def test_expressions_nested_too_deeply_are_refused_not_a_crash(expression: str) -> None:
    with pytest.raises(DialectError, match="nested too deeply") as caught:
        parse(expression)
    assert len(str(caught.value)) < 1000  # the 10k-character expression is not echoed whole


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("StepLR(optimizer, 3)\x00", "null bytes"),
        ("StepLR(optimizer, step_size=1" + "0" * 5000 + ")", "longer than 4300 digits"),
        ("StepLR(optimizer, {[1]: 2})", "a list as a key"),
    ],
)
def test_odd_literals_are_refused_clearly(expression: str, fragment: str) -> None:
    with pytest.raises(DialectError, match=fragment):
        parse(expression)


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("StepLR(optimizer, step_size=10", "not a Python expression"),
        ("42", "expected a scheduler call"),
        ("__import__('os').system('true')", "a scheduler name cannot be"),
        ("StepLR(optimizer, step_size=5 * 2)", "arithmetic"),
        ("StepLR(optimizer, step_size=config.step)", "attribute access"),
        ("StepLR(optimizer, *args)", "*args"),
        ("StepLR(optimizer, **kwargs)", "**kwargs"),
        ("StepLR(optimizer, step_size=[i for i in x])", "comprehension"),
        ("StepLR(optimizer, step_size=cfg['step'])", "indexing"),
        ("StepLR(optimizer, step_size=1j)", "a value cannot be"),
        ("StepLR(optimizer, step_size=f'{x}')", "a value cannot be"),
        ("LambdaLR(o, lambda: 1)", "exactly one parameter"),
        ("LambdaLR(o, lambda e, f: 1)", "exactly one parameter"),
        ("LambdaLR(o, lambda e: __import__('os'))", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: e.real)", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: x * e)", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: 'a' * e)", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: math.system(e))", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: [e][0])", "is not allowed in a lambda"),
    ],
)
def test_anything_else_is_refused_saying_what_is_allowed(expression: str, fragment: str) -> None:
    with pytest.raises(DialectError) as caught:
        parse(expression)
    assert fragment in str(caught.value)
    assert "lambda" in str(caught.value)  # every refusal says what is allowed


def test_unknown_names_list_the_supported_ones_with_a_did_you_mean() -> None:
    with pytest.raises(DialectError) as caught:
        reproduce("CosineAnealingLR(optimizer, T_max=10)", lr=0.1)
    message = str(caught.value)
    assert "unknown scheduler `CosineAnealingLR` (did you mean CosineAnnealingLR" in message
    assert "torch: ChainedScheduler, ConstantLR" in message


def test_a_module_prefix_narrows_the_framework() -> None:
    with pytest.raises(DialectError, match="unknown scheduler `get_scheduler`"):
        reproduce("torch.optim.lr_scheduler.get_scheduler('linear', o, 1, 10)", lr=0.1)
    assert reproduce("lr_scheduler.StepLR(o, 3)", lr=0.1).framework == "torch"
    assert reproduce("transformers.optimization.get_constant_schedule(o)", lr=0.1).framework == "hf"


def test_an_unknown_module_lists_the_known_prefixes() -> None:
    with pytest.raises(DialectError, match=r"unknown module `mx.lr_scheduler`.*torch\.optim\.lr_scheduler\."):
        reproduce("mx.lr_scheduler.StepLR(o, 3)", lr=0.1)


def test_missing_lr_is_an_error_and_an_ignored_one_a_note() -> None:
    with pytest.raises(DialectError) as caught:
        reproduce("StepLR(optimizer, 3)", lr=None)
    assert caught.value.argument == "--lr"
    ignored = reproduce("OneCycleLR(o, max_lr=0.1, total_steps=10)", lr=0.5)
    assert ignored.notes(5) == ["--lr 0.5 is ignored: OneCycleLR sets the rates itself"]


def test_supported_lists_every_framework_module() -> None:
    names = supported()
    assert "CosineAnnealingLR" in names["torch"]
    assert "get_scheduler" in names["hf"]
    assert names["torch"] == sorted(names["torch"])


def _lines_run(expression: str) -> int:
    """How many lines of Python `reproduce` runs for ``expression``: work, counted, not timed."""
    executed = 0

    def trace(frame: FrameType, event: str, arg: object) -> TraceFunction:
        nonlocal executed
        if event == "line":
            executed += 1
        return trace

    sys.settrace(trace)
    try:
        reproduce(expression, lr=0.1)
    finally:
        sys.settrace(None)
    return executed


def _chained(children: int) -> str:
    return "ChainedScheduler([" + ", ".join(["LambdaLR(optimizer, lambda e: 0.9 ** e)"] * children) + "])"


def test_reading_a_call_is_linear_in_its_size() -> None:
    reproduce(_chained(1), lr=0.1)  # the frameworks' modules load once, outside the count
    small, large = _lines_run(_chained(50)), _lines_run(_chained(200))
    # linear work grows 4x for 4x the children; quadratic (quoting each call by re-splitting the
    # whole text, as ast.get_source_segment does) grew 16x
    assert large < 5 * small, (small, large)
