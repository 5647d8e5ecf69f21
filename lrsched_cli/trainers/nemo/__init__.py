"""NeMo's ``ModelPT`` on Lightning: an experiment config's ``model.optim.sched``, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "nemo",
    "NeMo ModelPT (Lightning)",
    "the experiment YAML (trainer: devices, num_nodes, max_epochs, max_steps, accumulate_grad_batches, "
    "limit_train_batches; model.train_ds: batch_size, drop_last; model.optim: lr, sched: name and "
    "its arguments)",
    {
        "2.6": "ModelPT.setup_optimization and prepare_lr_scheduler as on NeMo's main branch "
        "(8cfedd72, 2.6.0rc0)"
    },
)
