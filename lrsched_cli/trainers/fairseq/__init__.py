"""fairseq's ``fairseq-train``: its command-line arguments, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "fairseq",
    "fairseq-train",
    "a file of its command-line arguments, one per line or all on one line, # comments "
    "(--lr-scheduler and its options, --lr, --max-update; the others are accepted and not read); "
    "--set NAME=VALUE gives one (--set warmup_updates=100)",
    {"0.12": "fairseq's lr_scheduler and trainer as on its main branch (3d262bb2, 0.12.2)"},
    reader=True,
)
