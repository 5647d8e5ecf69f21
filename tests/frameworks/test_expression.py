"""The expression parser: what it accepts, the tree it builds, and what it refuses (never eval)."""

from __future__ import annotations

import math
import re
import sys
from types import FrameType
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

if TYPE_CHECKING:
    from _typeshed import TraceFunction

from lrsched_cli.errors import DialectError, LrschedError
from lrsched_cli.frameworks.dispatch import reproduce, supported
from lrsched_cli.frameworks.expression import (
    LINES,
    Call,
    ComputedFloat,
    ComputedInt,
    Lambda,
    Name,
    Unbound,
    bindings,
    lines,
    parse,
)


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


@pytest.mark.parametrize(
    "expression",
    [
        "StepLR(optimizer, 10)",
        "scheduler = StepLR(optimizer, 10)",
        "self.scheduler = StepLR(optimizer, 10),",
        "scheduler: LRScheduler = StepLR(optimizer, 10)",
        "StepLR(optimizer, 10),",
        "  StepLR(optimizer, 10)  # from train.py",
        "a = b = StepLR(optimizer, 10)",
    ],
)
def test_a_pasted_line_is_read_as_its_call(expression: str) -> None:
    call = parse(expression)
    assert (call.name, call.args, call.source) == ("StepLR", (Name("optimizer"), 10), "StepLR(optimizer, 10)")


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("3 * 1000", 3000),
        ("math.ceil(0.1 * 3000)", 300),
        ("int(0.1 * 3001)", 300),
        ("2 ** 10 - 24 // 5 + 7 % 4", 1023),
        ("-(3 * 2)", -6),
        ("round(2.5) + min(1, 2) + max(3, 4) + abs(-1)", 8),
        ("1 / 4", 0.25),
        ("EPOCHS * STEPS", 9000),
        ("args.warmup * 2", 10),
        ("10 if EPOCHS > 50 else 5", 10),
    ],
)
def test_arithmetic_in_arguments_is_computed_as_python_would(argument: str, value: float) -> None:
    names = {"EPOCHS": 90, "STEPS": 100, "args.warmup": 5}
    got = parse(f"StepLR(optimizer, {argument})", names).args[1]
    assert got == value
    assert isinstance(got, (ComputedInt, ComputedFloat))
    assert got.source == argument  # what messages quote


@pytest.mark.parametrize(
    ("argument", "fragment"),
    [
        ("10**10**10", "`10**10**10` fails: the result is too large for a float"),
        ("2**30000 * 2**30000 * 2**30000", "fails: integer too large"),
        ("1 / 0", "`1 / 0` fails: division by zero"),
        ("2**62 * 4", "`2**62 * 4` is out of range"),
        ("math.sqrt(-1)", "`math.sqrt(-1)` fails: math domain error"),
    ],
)
def test_arithmetic_that_fails_says_what_was_written(argument: str, fragment: str) -> None:
    with pytest.raises(DialectError) as caught:
        parse(f"StepLR(optimizer, {argument})")
    assert fragment in str(caught.value)


def test_names_are_the_let_values_or_else_unbound() -> None:
    call = parse(
        "StepLR(self.optimizer, args.step, gamma=G, last_epoch=cfg.last)", {"args.step": 3, "G": 0.5}
    )
    assert call.args == (Name("self.optimizer"), 3)
    assert call.kwargs == {"gamma": 0.5, "last_epoch": Name("cfg.last")}
    lam = parse("LambdaLR(o, lambda e: G ** e)", {"G": 0.5}).args[1]
    assert isinstance(lam, Lambda) and lam(3) == 0.125
    assert parse("LambdaLR(o, lambda e: H ** e + 1)").args[1] == Unbound(("H",), "lambda e: H ** e + 1")
    assert parse("StepLR(o, K * 2)").args[1] == Unbound(("K",), "K * 2")


def test_every_unbound_name_is_listed_at_once() -> None:
    with pytest.raises(DialectError) as caught:
        reproduce(
            "SequentialLR(trainer.optimizer, [LinearLR(trainer.optimizer, total_iters=WARMUP), "
            "CosineAnnealingLR(trainer.optimizer, T_max=EPOCHS - WARMUP)], milestones=[WARMUP])",
            lr=0.1,
        )
    assert "names have no value: WARMUP, EPOCHS; give each with --let NAME=VALUE" in str(caught.value)


def test_constants_of_a_framework_are_its_values() -> None:
    call = parse(
        "get_scheduler(transformers.SchedulerType.COSINE, o)", constants={"SchedulerType.COSINE": "cosine"}
    )
    assert call.args[0] == "cosine"
    reproduction = reproduce("get_scheduler(SchedulerType.INVERSE_SQRT, o, 10)", lr=0.1)
    assert reproduction.scheduler == "get_scheduler"
    assert reproduction.arguments["name"] == "inverse_sqrt"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["EPOCHS=90"], {"EPOCHS": 90}),
        (["args.lr=3e-4", "args.name='cosine'"], {"args.lr": 3e-4, "args.name": "cosine"}),
        (["E=90", "S=E * 100"], {"E": 90, "S": 9000}),
        ([" W = 5 "], {"W": 5}),
    ],
)
def test_let_values(items: list[str], expected: dict[str, object]) -> None:
    assert bindings(items) == expected


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ("EPOCHS", "expected NAME=VALUE"),
        ("9x=1", "expected NAME=VALUE"),
        ("x=", "not a Python value"),
        ("name=cosine", "a string needs quotes: name='cosine'"),
        ("x=y * 2", "expected a number or a string"),
        ("x=StepLR(o, 1)", "expected a number or a string"),
        ("x=10**10**10", "the result is too large"),
    ],
)
def test_let_refuses_what_is_not_a_value(item: str, fragment: str) -> None:
    with pytest.raises(LrschedError) as caught:
        bindings([item])
    assert caught.value.param == "let"
    assert fragment in caught.value.message


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
        ("StepLR(optimizer, *args)", "*args"),
        ("StepLR(optimizer, **kwargs)", "**kwargs"),
        ("StepLR(optimizer, step_size=[i for i in x])", "comprehension"),
        ("StepLR(optimizer, step_size=f().x)", "attribute access"),
        ("StepLR(optimizer, step_size=2 * 'a')", "arithmetic cannot be `'a'`"),
        ("StepLR(optimizer, step_size=10 @ 2)", "arithmetic cannot be `10 @ 2`"),
        ("StepLR(optimizer, step_size=dict(1))", "dict() with positional arguments"),
        ("StepLR(optimizer, 3); import os", "got 2 statements"),
        ("", "got nothing"),
        ("x += StepLR(optimizer, 3)", "expected a scheduler call"),
        ("int(3)", "expected a scheduler call"),
        ("StepLR(optimizer, step_size=cfg['step'])", "indexing"),
        ("StepLR(optimizer, step_size=1j)", "a value cannot be"),
        ("StepLR(optimizer, step_size=f'{x}')", "a value cannot be"),
        ("LambdaLR(o, lambda: 1)", "exactly one parameter"),
        ("LambdaLR(o, lambda e, f: 1)", "exactly one parameter"),
        ("LambdaLR(o, lambda e: __import__('os'))", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: 'a' * e)", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: math.system(e))", "is not allowed in a lambda"),
        ("LambdaLR(o, lambda e: [e][0])", "is not allowed in a lambda"),
    ],
)
def test_anything_else_is_refused_saying_what_is_allowed(expression: str, fragment: str) -> None:
    with pytest.raises(DialectError) as caught:
        parse(expression)
    assert fragment in str(caught.value)
    assert "lambda" in str(caught.value) or "--let" in str(caught.value)  # each says what is allowed


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


METRIC_DRIVEN = [
    ("torch", "ReduceLROnPlateau(optimizer, mode='min', patience=3)"),
    ("torch", "torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer)"),
    ("timm", "timm.scheduler.PlateauLRScheduler(optimizer, decay_rate=0.5)"),
    ("hf", "get_reduce_on_plateau_schedule(optimizer)"),
    ("hf", "get_greedy_schedule(optimizer)"),
]


@pytest.mark.parametrize(("framework", "expression"), METRIC_DRIVEN)
def test_metric_driven_schedulers_point_to_plateau_and_are_never_listed(
    framework: str, expression: str
) -> None:
    with pytest.raises(DialectError) as caught:
        reproduce(expression, lr=0.1)
    assert "use `lrsched plateau --lr LR --metrics FILE`" in str(caught.value)
    assert "did you mean" not in str(caught.value)
    name = expression.partition("(")[0].rpartition(".")[2]
    assert name not in supported()[framework]


def test_a_misspelt_metric_driven_name_points_to_plateau_not_to_a_similar_function() -> None:
    with pytest.raises(DialectError) as caught:
        reproduce("ReduceLROnPlatau(optimizer)", lr=0.1)
    assert "(ReduceLROnPlateau follows a metric: use `lrsched plateau`)" in str(caught.value)
    assert "get_reduce_on_plateau_schedule" not in str(caught.value)


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


@given(st.text(alphabet="a \r\n\v\f\x1c\x85\u2028é"))
def test_lines_are_the_tokenizers_whatever_the_line_breaks(text: str) -> None:
    # lines() takes splitlines' fast path without the breaks only it knows: the same lines
    assert lines(text) == re.findall(LINES, text)
    assert "".join(lines(text)) == text


def test_lines_end_where_python_ends_them() -> None:
    assert lines("a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]
    assert lines("a\x0cb\n") == ["a\x0cb\n"]  # a form feed is no line break to the tokenizer
