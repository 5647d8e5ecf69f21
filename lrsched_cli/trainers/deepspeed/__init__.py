"""DeepSpeed's engine: a ``ds_config.json`` and your training loop, derived (`derive`)."""

from lrsched_cli.trainers.base import Trainer

TRAINER = Trainer(
    "deepspeed",
    "DeepSpeed engine",
    "the DeepSpeed JSON config (scheduler, optimizer.params.lr, train_batch_size, "
    "train_micro_batch_size_per_gpu, gradient_accumulation_steps, dataloader_drop_last); --epochs "
    "is your loop's passes over the data; --set hf.KEY=VALUE (TrainingArguments fields) runs it "
    'under the HF Trainer, which fills "auto"',
    {"0.19": "DeepSpeed 0.19.x (WarmupLR's warmup_max_lr is the optimizer's lr, warmup_num_steps > 0)"},
    loop=True,
)
