"""`lrsched from` against the real frameworks, through golden vectors they produced.

`scripts/gen_dialect_goldens.py` ran each expression in torch, transformers, timm, Keras and
optax (versions in each file) and recorded the rates; here lrsched reproduces them without any
framework installed.

Tolerances: float64 frameworks to a relative 1e-9. Keras and optax compute in float32, which
lrsched emulates op by op; its transcendentals are correctly rounded, the frameworks' kernels
within an ulp of that, so a rate may differ in its last bit: relative 1e-6, or 2**-23 (one
float32 epsilon) of the case's largest rate, for the cancellation in ``1 + cos(x)`` as a cosine
nears zero, where one ulp of the cosine is a large fraction of a tiny rate.
"""

from __future__ import annotations

import json
import math
from itertools import islice
from typing import Any

import pytest
from helpers import PARITY

from lrsched_cli.frameworks.dispatch import reproduce

FRAMEWORKS = ("torch", "hf", "timm", "keras", "optax")
FLOAT32 = {"keras", "optax"}


def _cases() -> list[Any]:
    params = []
    for framework in FRAMEWORKS:
        document = json.loads((PARITY / f"{framework}.json").read_text())
        for case in document["cases"]:
            params.append(pytest.param(framework, case, id=f"{framework}:{case['id']}"))
    return params


@pytest.mark.parametrize(("framework", "case"), _cases())
def test_reproduces_the_framework(framework: str, case: dict[str, Any]) -> None:
    steps = list(range(case["rows"])) if case["rows"] is not None else case["steps"]
    reproduction = reproduce(case["expression"], lr=case["lr"])
    assert reproduction.framework == framework
    got = list(islice(reproduction.rates(case["lr"]), steps[-1] + 1))
    if case["end"] is None:
        assert len(got) == steps[-1] + 1, "the framework kept stepping"
    else:
        assert len(got) == case["end"], "the framework refuses to step past this"
    wanted = [t for t in steps if t < len(got)]
    assert len(wanted) == len(case["rates"])
    scale = max(abs(rate) for rate in case["rates"])
    absolute = scale * 2**-23 if framework in FLOAT32 else 0.0
    relative = 1e-6 if framework in FLOAT32 else 1e-9
    wrong = [
        (t, got[t], want)
        for t, want in zip(wanted, case["rates"], strict=True)
        if not math.isclose(got[t], want, rel_tol=relative, abs_tol=absolute)
    ]
    assert not wrong, f"{len(wrong)} rates differ (t, lrsched, {framework}): {wrong[:5]}"


def test_every_framework_and_scheduler_has_goldens() -> None:
    from lrsched_cli.frameworks.dispatch import supported

    covered: dict[str, set[str]] = {framework: set() for framework in FRAMEWORKS}
    for framework in FRAMEWORKS:
        for case in json.loads((PARITY / f"{framework}.json").read_text())["cases"]:
            covered[framework].add(reproduce(case["expression"], lr=case["lr"]).scheduler)
    for framework in ("keras", "optax", "timm"):
        assert covered[framework] == set(supported()[framework]), framework


def test_the_issue_examples_are_goldens() -> None:
    expressions = {
        case["expression"]
        for framework in FRAMEWORKS
        for case in json.loads((PARITY / f"{framework}.json").read_text())["cases"]
    }
    assert expressions >= {
        "CosineAnnealingLR(optimizer, T_max=100, eta_min=1e-5)",
        "torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=100)",
        "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=5), "
        "CosineAnnealingLR(optimizer, T_max=95)], milestones=[5])",
        "keras.optimizers.schedules.CosineDecay(0.0, decay_steps=1000, warmup_target=0.1, warmup_steps=100)",
        "optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, warmup_steps=100, "
        "decay_steps=1000)",
        "get_scheduler('cosine', optimizer, num_warmup_steps=100, num_training_steps=1000)",
        "get_cosine_schedule_with_warmup(optimizer, 100, 1000)",
        "CosineLRScheduler(optimizer, t_initial=300, lr_min=1e-5, warmup_t=5, warmup_lr_init=1e-6)",
    }
