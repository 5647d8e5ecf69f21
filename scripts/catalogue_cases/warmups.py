"""Warmups in steps and as a fraction of the run; a per-step warmup before a per-epoch schedule.

`--warmup-steps S` and `--warmup-ratio R` come before the schedule, as Hugging Face's
``num_warmup_steps`` (its TrainingArguments rounds ``warmup_ratio x steps`` up). With
`--by-epoch` the schedule is stepped once per epoch and the warmup covers the run's first S
steps: MMEngine's LinearLR(by_epoch=False, end=S + 1) (it ramps over end - begin - 1 steps)
before a by_epoch scheduler, and Detectron2's WarmupParamScheduler over a schedule whose
milestones fall on epoch boundaries.
"""

from __future__ import annotations

from typing import Any

from catalogue_cases._frameworks import detectron2, mmengine, torch, transformers


def _hf_warmup_ratio(ratio: float, steps: int) -> int:
    import transformers as hf  # type: ignore[import-not-found,unused-ignore]

    return int(
        hf.TrainingArguments(output_dir="/tmp/lrsched-goldens", warmup_steps=ratio).get_warmup_steps(steps)
    )


def _mmdet_multistep(o: Any, S: Any) -> list[Any]:
    return [
        S.LinearLR(o, start_factor=0.001, by_epoch=False, begin=0, end=5),
        S.MultiStepLR(o, milestones=[3, 5], gamma=0.1, by_epoch=True, begin=0, end=7),
    ]


def _mmdet_cosine(o: Any, S: Any) -> list[Any]:
    return [
        S.LinearLR(o, start_factor=0.01, by_epoch=False, begin=0, end=7),
        S.CosineAnnealingLR(o, T_max=6, eta_min=0.001, by_epoch=True, begin=0, end=6),
    ]


CASES = [
    # Hugging Face: warmup steps, then the schedule over the rest of the run
    (
        "cosine --lr 0.1 --warmup-steps 5 --steps-per-epoch 10 -n 10",
        transformers(lambda o, hf: hf.get_cosine_schedule_with_warmup(o, 5, 100), 100, lr=0.1),
    ),
    (
        "cosine --lr 0.1 --warmup-steps 7 -n 40",
        transformers(lambda o, hf: hf.get_cosine_schedule_with_warmup(o, 7, 40), 40, lr=0.1),
    ),
    (
        "cosine --lr 0.1 --warmup-ratio 0.1 --steps-per-epoch 7 -n 5",
        transformers(
            lambda o, hf: hf.get_cosine_schedule_with_warmup(o, _hf_warmup_ratio(0.1, 35), 35), 35, lr=0.1
        ),
    ),
    (  # 300 * 0.07 is 21.000000000000004 in floats: HF warms up for 22 steps
        "cosine --lr 0.1 --warmup-ratio 0.07 --steps-per-epoch 20 -n 15",
        transformers(
            lambda o, hf: hf.get_cosine_schedule_with_warmup(o, _hf_warmup_ratio(0.07, 300), 300), 300, lr=0.1
        ),
    ),
    (
        "linear --lr 0.1 --start-factor 1 --end-factor 0 --total-iters 27 --warmup-ratio 0.1 -n 30",
        transformers(
            lambda o, hf: hf.get_linear_schedule_with_warmup(o, _hf_warmup_ratio(0.1, 30), 30), 30, lr=0.1
        ),
    ),
    (
        "step --lr 0.1 --step-size 2 --warmup-steps 3 --warmup-start-lr 0.02 --steps-per-epoch 4 -n 6",
        torch(
            lambda o, S: S.SequentialLR(
                o, [S.LinearLR(o, start_factor=0.2, total_iters=3), S.StepLR(o, step_size=8)], [3]
            ),
            24,
            lr=0.1,
        ),
    ),
    # a per-step warmup before a per-epoch schedule
    (
        "multistep --lr 0.1 --milestones 3,5 --warmup-steps 4 --warmup-start-lr 0.0001 --steps-per-epoch 10"
        " --by-epoch -n 7",
        mmengine(_mmdet_multistep, 7, 10, lr=0.1),
    ),
    (
        "multistep --lr 0.1 --milestones 3,5 --warmup-steps 4 --warmup-start-lr 0.0001 --steps-per-epoch 10"
        " --by-epoch -n 7",
        detectron2(
            lambda F, W: W(
                F.MultiStepParamScheduler([1.0, 0.1, 0.01], milestones=[30, 50], num_updates=70),
                0.001,
                4 / 70,
            ),
            70,
            lr=0.1,
        ),
    ),
    (
        "cosine --lr 0.1 --min-lr 0.001 --t-max 6 --warmup-steps 6 --warmup-start-lr 0.001"
        " --steps-per-epoch 8 --by-epoch",
        mmengine(_mmdet_cosine, 6, 8, lr=0.1),
    ),
]
