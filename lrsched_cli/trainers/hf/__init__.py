"""Hugging Face transformers ``Trainer``: a ``TrainingArguments`` config, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "hf",
    "transformers Trainer",
    "a mapping of TrainingArguments fields (TRL and Axolotl users write it as YAML)",
    {
        "4.51": "updates per epoch rounded down, floor(batches / accumulation): the run stops short",
        "4.57": "updates per epoch rounded up; warmup_ratio, and warmup_steps counts steps",
        "5.1": "warmup_steps below 1 is a ratio; warmup_ratio, deprecated, replaces warmup_steps",
        "5.24": "warmup_ratio removed: a float warmup_steps below 1 is the ratio",
    },
    logs_next_before="4.51",
    keys={
        "accumulation": "gradient_accumulation_steps",
        "batch_size": "per_device_train_batch_size",
        "max_steps": "max_steps",
    },
)
