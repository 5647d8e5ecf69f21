"""Lightning ``Trainer``: its ``trainer:`` arguments and what ``configure_optimizers`` returns (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "lightning",
    "Lightning Trainer",
    "YAML with trainer: (max_epochs, max_steps, accumulate_grad_batches, limit_train_batches, "
    "devices, num_nodes), optimizer: {lr: ...} and lr_scheduler: {scheduler: '<a constructor call, "
    "as from takes>', interval: step|epoch, frequency: N}; --batch-size is the dataloader's",
    {"2.6": "the arithmetic of Lightning 2.x"},
    keys={"accumulation": "trainer.accumulate_grad_batches"},
)
