"""Megatron-LM's training loop: its launch arguments, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "megatron",
    "Megatron-LM pretraining",
    "a file of its launch arguments (--lr 3e-4 --train-iters 500000 ...: one per line or all on "
    "one line, # comments; arguments that do not shape the schedule are accepted and ignored); "
    "--set NAME=VALUE takes the name without dashes (--set lr-decay-style=cosine)",
    {"0.16": "megatron-core 0.16.x and Megatron-LM's training.py of its time"},
    reader=True,
)
