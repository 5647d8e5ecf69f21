"""torchtune's recipes: a recipe config, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "torchtune",
    "torchtune recipes",
    "the recipe YAML (lr_scheduler._component_ and its arguments, epochs, batch_size, "
    "gradient_accumulation_steps, max_steps_per_epoch, optimizer.lr)",
    {"0.6": "the finetune recipes of torchtune 0.6.x"},
    keys={"accumulation": "gradient_accumulation_steps", "batch_size": "batch_size"},
)
