"""PyTorch dialect: rates equal torch 2.13's, step by step, and its validation as errors.

Every expected list below was produced by torch 2.13.0 (CPU) stepping the same constructor
call with ``torch.optim.SGD([p], lr=LR, momentum=0.9)``: read ``optimizer.param_groups[0]['lr']``,
then ``optimizer.step(); scheduler.step()``, once per row.
"""

# ruff: noqa: E501 -- the expressions are constructor calls as pasted, kept whole

from __future__ import annotations

from itertools import islice

import pytest

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce

# (expression, --lr, rows, torch's rates)
TORCH = [
    (
        "StepLR(optimizer, step_size=3)",
        0.1,
        12,
        [
            0.1,
            0.1,
            0.1,
            0.010000000000000002,
            0.010000000000000002,
            0.010000000000000002,
            0.0010000000000000002,
            0.0010000000000000002,
            0.0010000000000000002,
            0.00010000000000000003,
            0.00010000000000000003,
            0.00010000000000000003,
        ],
    ),
    ("StepLR(optimizer, 2, 0.5)", 1.0, 8, [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]),
    (
        "MultiStepLR(optimizer, milestones=[2, 5, 5], gamma=0.5)",
        0.1,
        8,
        [0.1, 0.1, 0.05, 0.05, 0.05, 0.0125, 0.0125, 0.0125],
    ),
    ("ConstantLR(optimizer, factor=0.5, total_iters=3)", 0.1, 6, [0.05, 0.05, 0.05, 0.1, 0.1, 0.1]),
    (
        "ConstantLR(optimizer)",
        0.1,
        7,
        [
            0.03333333333333333,
            0.03333333333333333,
            0.03333333333333333,
            0.03333333333333333,
            0.03333333333333333,
            0.1,
            0.1,
        ],
    ),
    (
        "LinearLR(optimizer, start_factor=0.25, total_iters=4)",
        0.1,
        7,
        [
            0.025,
            0.043750000000000004,
            0.06250000000000001,
            0.08125000000000002,
            0.10000000000000002,
            0.10000000000000002,
            0.10000000000000002,
        ],
    ),
    (
        "LinearLR(optimizer)",
        0.1,
        7,
        [
            0.03333333333333333,
            0.04666666666666667,
            0.060000000000000005,
            0.07333333333333335,
            0.08666666666666668,
            0.1,
            0.1,
        ],
    ),
    (
        "ExponentialLR(optimizer, gamma=0.9)",
        0.1,
        6,
        [
            0.1,
            0.09000000000000001,
            0.08100000000000002,
            0.07290000000000002,
            0.06561000000000002,
            0.05904900000000002,
        ],
    ),
    (
        "PolynomialLR(optimizer, total_iters=4, power=2.0)",
        0.1,
        7,
        [0.1, 0.05625, 0.024999999999999998, 0.0062499999999999995, 0.0, 0.0, 0.0],
    ),
    (
        "CosineAnnealingLR(optimizer, T_max=10, eta_min=1e-5)",
        0.1,
        25,
        [
            0.1,
            0.09755307053217621,
            0.0904518046337755,
            0.0793913236883622,
            0.0654543046337755,
            0.05000500000000001,
            0.03455569536622451,
            0.020618676311637812,
            0.009558195366224508,
            0.0024569294678237993,
            1e-05,
            0.0024569294678237993,
            0.00955819536622454,
            0.020618676311637895,
            0.03455569536622466,
            0.05000500000000022,
            0.06545430463377579,
            0.07939132368836255,
            0.09045180463377592,
            0.09755307053217666,
            0.10000000000000045,
            0.09755307053217664,
            0.09045180463377593,
            0.07939132368836256,
            0.0654543046337758,
        ],
    ),
    (
        "CosineAnnealingLR(optimizer, T_max=3)",
        1.0,
        10,
        [
            1.0,
            0.75,
            0.2500000000000001,
            0.0,
            0.24999999999999994,
            0.7500000000000004,
            1.0000000000000004,
            0.7500000000000006,
            0.2500000000000005,
            0.0,
        ],
    ),
    (
        "CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2, eta_min=0.001)",
        0.1,
        25,
        [
            0.1,
            0.07525000000000001,
            0.025750000000000012,
            0.1,
            0.09336825748732973,
            0.07525000000000001,
            0.0505,
            0.025750000000000012,
            0.007631742512670284,
            0.1,
            0.09831332840130888,
            0.09336825748732973,
            0.0855017856687341,
            0.07525000000000001,
            0.06331154273257478,
            0.0505,
            0.03768845726742523,
            0.025750000000000012,
            0.0154982143312659,
            0.007631742512670284,
            0.0026866715986911243,
            0.1,
            0.09957652063800362,
            0.09831332840130888,
            0.0962320368593087,
        ],
    ),
    (
        "CosineAnnealingWarmRestarts(optimizer, 1, 3)",
        1.0,
        20,
        [
            1.0,
            1.0,
            0.75,
            0.2500000000000001,
            1.0,
            0.9698463103929542,
            0.883022221559489,
            0.75,
            0.5868240888334653,
            0.41317591116653485,
            0.2500000000000001,
            0.11697777844051105,
            0.03015368960704584,
            1.0,
            0.9966191788709715,
            0.9865224352899119,
            0.9698463103929542,
            0.9468163201617061,
            0.9177439057064682,
            0.883022221559489,
        ],
    ),
    (
        "CyclicLR(optimizer, base_lr=0.001, max_lr=0.1, step_size_up=4)",
        None,
        20,
        [
            0.001,
            0.025750000000000002,
            0.0505,
            0.07525000000000001,
            0.1,
            0.07525000000000001,
            0.0505,
            0.025750000000000002,
            0.001,
            0.025750000000000002,
            0.0505,
            0.07525000000000001,
            0.1,
            0.07525000000000001,
            0.0505,
            0.025750000000000002,
            0.001,
            0.025750000000000002,
            0.0505,
            0.07525000000000001,
        ],
    ),
    (
        "CyclicLR(optimizer, base_lr=0.001, max_lr=0.1, step_size_up=3, step_size_down=2, mode='triangular2')",
        None,
        20,
        [
            0.001,
            0.033999999999999996,
            0.06699999999999999,
            0.09999999999999998,
            0.05049999999999999,
            0.001,
            0.017500000000000016,
            0.033999999999999996,
            0.05049999999999999,
            0.025750000000000023,
            0.001,
            0.009250000000000008,
            0.017499999999999998,
            0.025749999999999995,
            0.013375000000000012,
            0.001,
            0.005125000000000004,
            0.009250000000000008,
            0.013374999999999995,
            0.0071875000000000055,
        ],
    ),
    (
        "CyclicLR(optimizer, base_lr=0.001, max_lr=0.1, step_size_up=3, mode='exp_range', gamma=0.9)",
        None,
        20,
        [
            0.001,
            0.030700000000000015,
            0.054459999999999995,
            0.07317100000000001,
            0.044302600000000025,
            0.020486169999999988,
            0.001,
            0.01678379770000003,
            0.029410835859999984,
            0.039354628411000014,
            0.02401277704659999,
            0.011355749670970021,
            0.001,
            0.009388157233485697,
            0.016098683020274274,
            0.02138322207737026,
            0.01322993324642216,
            0.006503469960889966,
            0.001,
            0.005457810668320861,
        ],
    ),
    (
        "OneCycleLR(opt, max_lr=0.1, total_steps=10)",
        None,
        13,
        [
            0.0040000000000000036,
            0.052000000000000005,
            0.1,
            0.09504846320134738,
            0.0811745653949763,
            0.06112620219362893,
            0.03887419780637107,
            0.0188258346050237,
            0.004951936798652629,
            4e-07,
            0.004951936798652624,
        ],
    ),
    (
        "OneCycleLR(opt, max_lr=0.1, total_steps=20, three_phase=True, anneal_strategy='linear')",
        None,
        22,
        [
            0.004,
            0.023200000000000002,
            0.04240000000000001,
            0.0616,
            0.08080000000000001,
            0.1,
            0.08080000000000001,
            0.0616,
            0.04240000000000001,
            0.0232,
            0.0040000000000000036,
            0.0035556,
            0.0031112,
            0.0026668000000000004,
            0.0022224000000000002,
            0.001778,
            0.0013336000000000003,
            0.0008892000000000001,
            0.0004448000000000004,
            4.0000000000022656e-07,
            -0.00044399999999999995,
        ],
    ),
    (
        "OneCycleLR(opt, max_lr=0.1, epochs=2, steps_per_epoch=5, pct_start=0.25)",
        None,
        11,
        [
            0.0040000000000000036,
            0.076,
            0.09890738440717015,
            0.0904508879153485,
            0.0750001,
            0.05522660225769002,
            0.03454941208465151,
            0.01654380350817838,
            0.0043231098269614805,
            4e-07,
            0.0043231098269614745,
        ],
    ),
    (
        "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=5), CosineAnnealingLR(optimizer, T_max=15)], milestones=[5])",
        0.1,
        30,
        [
            0.001,
            0.0208,
            0.0406,
            0.060399999999999995,
            0.0802,
            0.1,
            0.09890738003669029,
            0.09567727288213004,
            0.09045084971874738,
            0.08345653031794292,
            0.07500000000000001,
            0.06545084971874739,
            0.05522642316338269,
            0.04477357683661735,
            0.03454915028125265,
            0.02500000000000002,
            0.01654346968205711,
            0.009549150281252635,
            0.004322727117869953,
            0.001092619963309716,
            0.0,
            0.0010926199633097156,
            0.004322727117869957,
            0.009549150281252621,
            0.016543469682057076,
            0.024999999999999977,
            0.034549150281252626,
            0.0447735768366173,
            0.055226423163382665,
            0.06545084971874737,
        ],
    ),
    (
        "SequentialLR(optimizer, [ConstantLR(optimizer, factor=0.1, total_iters=2), ConstantLR(optimizer, factor=0.5, total_iters=2), ExponentialLR(optimizer, gamma=0.9)], milestones=[3, 6])",
        1.0,
        12,
        [
            0.1,
            0.1,
            1.0,
            0.5,
            0.5,
            1.0,
            1.0,
            0.9,
            0.81,
            0.7290000000000001,
            0.6561000000000001,
            0.5904900000000002,
        ],
    ),
    (
        "SequentialLR(optimizer, [StepLR(optimizer, 2), MultiStepLR(optimizer, [1, 3])], [4])",
        1.0,
        10,
        [1.0, 1.0, 0.1, 0.1, 1.0, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002],
    ),
    (
        "SequentialLR(optimizer, [ExponentialLR(optimizer, 0.5), CosineAnnealingWarmRestarts(optimizer, 2)], [3])",
        1.0,
        10,
        [1.0, 0.5, 0.25, 1.0, 0.5, 1.0, 0.5, 1.0, 0.5, 1.0],
    ),
    (
        "SequentialLR(optimizer, [LinearLR(optimizer, 0.1, total_iters=3), OneCycleLR(optimizer, max_lr=1.0, total_steps=5)], [3])",
        0.5,
        12,
        [
            0.004,
            0.015999999999999997,
            0.027999999999999994,
            0.040000000000000036,
            0.9504846320134737,
            0.6112620219362893,
            0.18825834605023697,
            4e-06,
            0.18825834605023686,
        ],
    ),
    (
        "SequentialLR(optimizer, [CyclicLR(optimizer, 0.01, 0.1, step_size_up=2), StepLR(optimizer, 2)], [5])",
        0.5,
        12,
        [
            0.01,
            0.05500000000000001,
            0.1,
            0.05500000000000001,
            0.01,
            0.01,
            0.01,
            0.001,
            0.001,
            0.0001,
            0.0001,
            1e-05,
        ],
    ),
    (
        "ChainedScheduler([ConstantLR(optimizer, factor=0.1, total_iters=20), ExponentialLR(optimizer, gamma=0.9)])",
        0.05,
        25,
        [
            0.005000000000000001,
            0.004500000000000001,
            0.0040500000000000015,
            0.0036450000000000015,
            0.0032805000000000013,
            0.0029524500000000014,
            0.0026572050000000015,
            0.002391484500000001,
            0.002152336050000001,
            0.001937102445000001,
            0.001743392200500001,
            0.001569052980450001,
            0.0014121476824050009,
            0.0012709329141645008,
            0.0011438396227480508,
            0.0010294556604732458,
            0.0009265100944259213,
            0.0008338590849833291,
            0.0007504731764849962,
            0.0006754258588364966,
            0.00607883272952847,
            0.005470949456575623,
            0.0049238545109180605,
            0.004431469059826255,
            0.0039883221538436296,
        ],
    ),
    (
        "ChainedScheduler([LinearLR(optimizer, 0.5, total_iters=3), StepLR(optimizer, 2, 0.5)], optimizer=optimizer)",
        1.0,
        10,
        [
            0.5,
            0.6666666666666666,
            0.41666666666666663,
            0.49999999999999994,
            0.24999999999999997,
            0.24999999999999997,
            0.12499999999999999,
            0.12499999999999999,
            0.06249999999999999,
            0.06249999999999999,
        ],
    ),
    (
        "ChainedScheduler([ExponentialLR(optimizer, 0.9), CosineAnnealingWarmRestarts(optimizer, 3)])",
        1.0,
        10,
        [1.0, 0.75, 0.2500000000000001, 1.0, 0.75, 0.2500000000000001, 1.0, 0.75, 0.2500000000000001, 1.0],
    ),
    (
        "LambdaLR(opt, lambda epoch: 0.95 ** epoch)",
        0.1,
        8,
        [
            0.1,
            0.095,
            0.09025,
            0.0857375,
            0.081450625,
            0.07737809374999999,
            0.07350918906249998,
            0.06983372960937498,
        ],
    ),
    (
        "LambdaLR(opt, lr_lambda=lambda e: min(1.0, (e + 1) / 5) if e < 10 else 0.5 * math.cos(e))",
        0.1,
        14,
        [
            0.020000000000000004,
            0.04000000000000001,
            0.06,
            0.08000000000000002,
            0.1,
            0.1,
            0.1,
            0.1,
            0.1,
            0.1,
            -0.041953576453822625,
            0.0002212848994025393,
            0.04219269793662461,
            0.045372339072509815,
        ],
    ),
    (
        "MultiplicativeLR(opt, lambda epoch: 0.9 if epoch % 2 else 1.0)",
        0.1,
        8,
        [
            0.1,
            0.09000000000000001,
            0.09000000000000001,
            0.08100000000000002,
            0.08100000000000002,
            0.07290000000000002,
            0.07290000000000002,
            0.06561000000000002,
        ],
    ),
    (
        "CyclicLR(optimizer, 0.001, 0.1, step_size_up=2, scale_fn=lambda x: 0.5 ** x, scale_mode='iterations')",
        None,
        12,
        [
            0.001,
            0.025750000000000002,
            0.025750000000000002,
            0.0071875,
            0.001,
            0.002546875,
            0.002546875,
            0.00138671875,
            0.001,
            0.0010966796875,
            0.0010966796875,
            0.001024169921875,
        ],
    ),
]


@pytest.mark.parametrize(("expression", "lr", "rows", "expected"), TORCH, ids=[c[0][:60] for c in TORCH])
def test_rates_match_torch(expression: str, lr: float | None, rows: int, expected: list[float]) -> None:
    got = list(islice(reproduce(expression, lr=lr).rates(lr), rows))
    assert got == pytest.approx(expected, rel=1e-9, abs=0)


def test_one_cycle_stops_after_the_extrapolated_step() -> None:
    """torch: t == total_steps extrapolates, the next step raises; the rates end there."""
    reproduction = reproduce("OneCycleLR(opt, max_lr=0.1, total_steps=10)", lr=None)
    rates = list(reproduction.rates(None))
    assert len(rates) == 11
    assert rates[-1] == pytest.approx(0.004951936798652624, rel=1e-9)
    assert reproduction.length == 10
    assert reproduction.notes(10) == []
    assert "rows stop after 11" in reproduction.notes(12)[0]


def test_cosine_notes_the_climb_back_only_past_t_max() -> None:
    reproduction = reproduce("CosineAnnealingLR(optimizer, T_max=10)", lr=0.1)
    assert reproduction.length == 11
    assert reproduction.notes(11) == []
    assert "climbs back" in reproduction.notes(12)[0]


def test_sequential_notes_its_last_child_in_its_own_time() -> None:
    expression = (
        "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=5), "
        "CosineAnnealingLR(optimizer, T_max=95)], milestones=[5])"
    )
    reproduction = reproduce(expression, lr=0.1)
    assert reproduction.length == 101
    assert reproduction.notes(101) == []
    assert "climbs back" in reproduction.notes(102)[0]


def test_a_nested_sequential_reset_fails_where_torch_fails() -> None:
    """torch 2.13 raises NotImplementedError at step 2: an outer SequentialLR resets an inner one."""
    expression = (
        "SequentialLR(optimizer, [ExponentialLR(optimizer, 0.9), SequentialLR(optimizer, "
        "[ConstantLR(optimizer, 0.5, 2), ExponentialLR(optimizer, 0.8)], [3])], [2])"
    )
    rates = reproduce(expression, lr=1.0).rates(1.0)
    assert [next(rates), next(rates)] == [1.0, 0.9]
    with pytest.raises(DialectError, match="NotImplementedError"):
        next(rates)


def test_arguments_record_the_bound_call_with_defaults() -> None:
    reproduction = reproduce("torch.optim.lr_scheduler.StepLR(opt, 10)", lr=0.1)
    assert reproduction.framework == "torch"
    assert reproduction.scheduler == "StepLR"
    assert reproduction.expression == "torch.optim.lr_scheduler.StepLR(opt, 10)"
    assert reproduction.arguments == {"optimizer": "opt", "step_size": 10, "gamma": 0.1, "last_epoch": -1}


def test_ignored_arguments_are_accepted() -> None:
    expression = (
        "OneCycleLR(opt, max_lr=0.1, total_steps=10, cycle_momentum=False, base_momentum=0.8, "
        "max_momentum=0.9, last_epoch=-1)"
    )
    assert next(reproduce(expression, lr=None).rates(None)) == pytest.approx(0.004, rel=1e-9)


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("LinearLR(optimizer, start_factor=0)", "start_factor", "greater than 0"),
        ("LinearLR(optimizer, end_factor=1.5)", "end_factor", "between 0 and 1"),
        ("ConstantLR(optimizer, factor=2)", "factor", "between 0 and 1"),
        ("CosineAnnealingWarmRestarts(optimizer, T_0=0)", "T_0", "positive integer T_0"),
        ("CosineAnnealingWarmRestarts(optimizer, T_0=10.0)", "T_0", "positive integer T_0"),
        ("CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=0.5)", "T_mult", "T_mult >= 1"),
        ("OneCycleLR(optimizer, max_lr=0.1, total_steps=100, pct_start=0)", "pct_start", "write 0.0"),
        ("OneCycleLR(optimizer, max_lr=0.1, total_steps=0)", "total_steps", "positive integer"),
        ("OneCycleLR(optimizer, max_lr=0.1)", "total_steps", "either total_steps OR"),
        (
            "OneCycleLR(optimizer, max_lr=0.1, total_steps=9, anneal_strategy='cosine')",
            "anneal_strategy",
            "'cos'",
        ),
        ("OneCycleLR(optimizer, max_lr=[0.1, 0.2], total_steps=9)", "max_lr", "param_groups"),
        ("CyclicLR(optimizer, 0.001, 0.1, mode='sine')", "mode", "scale_fn is None"),
        ("StepLR(optimizer, step_size=0)", "step_size", "ZeroDivisionError"),
        ("StepLR(optimizer, step_size='10')", "step_size", "expected a number, got '10'"),
        ("StepLR(optimizer, step_size=epochs)", "step_size", "got `epochs`"),
        ("StepLR(0.1, step_size=10)", "optimizer", "bare name"),
        ("StepLR(optimizer, 10, last_epoch=5)", "last_epoch", "fresh scheduler"),
        ("MultiStepLR(optimizer, milestones=30)", "milestones", "list of integers"),
        ("CosineAnnealingLR(optimizer, T_max=0)", "T_max", "ZeroDivisionError"),
        ("LambdaLR(optimizer, lr_lambda=0.95)", "lr_lambda", "lambda epoch"),
        ("LambdaLR(optimizer, lambda epoch: 1 / epoch)", "lr_lambda", "division by zero"),
        ("SequentialLR(optimizer, [StepLR(optimizer, 2)], milestones=[3])", "milestones", "one more"),
        ("SequentialLR(optimizer, [], milestones=[])", "schedulers", "non-empty"),
        (
            "SequentialLR(optimizer, [StepLR(other, 2), StepLR(optimizer, 3)], [3])",
            "schedulers",
            "same optimizer",
        ),
        ("ChainedScheduler([StepLR(optimizer, 2), 0.5])", "schedulers", "index 1"),
    ],
)
def test_framework_validation_names_the_argument(expression: str, argument: str, fragment: str) -> None:
    with pytest.raises(DialectError) as caught:
        reproduce(expression, lr=0.1)
    assert caught.value.argument == argument
    assert fragment in str(caught.value)


def test_unexpected_argument_is_reported_with_the_signature() -> None:
    with pytest.raises(DialectError) as caught:
        reproduce("CosineAnnealingLR(optimizer, T_max=10, T_maxx=10)", lr=0.1)
    assert str(caught.value) == (
        "CosineAnnealingLR(): got an unexpected keyword argument 'T_maxx'; its signature is "
        "CosineAnnealingLR(optimizer, T_max, eta_min=0.0, last_epoch=-1)"
    )
