"""LLM Foundry's ``train.py`` on Composer's Trainer: its YAML's ``scheduler``, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "composer",
    "LLM Foundry (Composer Trainer)",
    "LLM Foundry's train YAML (max_duration, global_train_batch_size, device_train_microbatch_size, "
    "train_loader.drop_last, optimizer.lr, scheduler: name as its registry names it, t_warmup, "
    "alpha_f, t_max, ...; the other keys are accepted and not read)",
    {"0.32": "llm-foundry main (8c8dd48f) on Composer 0.32.1's Trainer"},
)
