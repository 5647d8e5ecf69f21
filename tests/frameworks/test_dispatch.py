"""The dispatcher's search: which frameworks it reads a call with, and what that relies on."""

import importlib
from collections import Counter

from lrsched_cli.frameworks import CORE as CORE_FOLDERS

CORE = list(CORE_FOLDERS)


def test_no_name_is_in_two_core_frameworks() -> None:
    # reproduce() tries each core framework alone first and takes the first that builds the
    # call: that is the call the five build together only while no name is in two of them
    counted: Counter[str] = Counter()
    for key in CORE:
        module = importlib.import_module(f"lrsched_cli.frameworks.{key}.reproduce")
        names = {*module.SCHEDULERS, *getattr(module, "REFUSED", {}), *getattr(module, "CONSTANTS", {})}
        counted.update(names)
    assert [name for name, times in counted.items() if times > 1] == []


def test_a_call_mixing_core_frameworks_is_still_read() -> None:
    from lrsched_cli.frameworks.dispatch import reproduce

    call = "SequentialLR(optimizer, [get_constant_schedule(optimizer), StepLR(optimizer, 3)], milestones=[2])"
    reproduction = reproduce(call, lr=0.1)
    assert reproduction.scheduler == "SequentialLR"
    rates = [rate for _, rate in zip(range(6), reproduction.rates(0.1), strict=False)]
    # PyTorch: get_constant_schedule for steps 0-1, then StepLR(step_size=3) from its own step 0
    assert rates[:5] == [0.1] * 5
    assert abs(rates[5] - 0.01) < 1e-12
