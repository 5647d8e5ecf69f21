"""Real training logs for ``--check-run``: tests/runlogs/, written by the real trainers on CPU.

Each run trains a one-parameter model for a few dozen updates and keeps only the log files the
trainer wrote (no weights), under the names the trainer gave them, except TensorBoard event
files, renamed ``events.out.tfevents.<run>`` (the real name holds a host name and a time).

- ``hf-cosine-log1/``: transformers Trainer, cosine, 3 warmup steps, 40 samples, batch 4,
  3 epochs (30 updates), ``logging_steps=1``, ``report_to=["tensorboard"]``: its
  ``trainer_state.json`` (``trainer.save_state()``) and event file.
- ``hf-cosine-log5/``: the same with ``logging_steps=5``.
- ``hf-4.48-cosine-log1/``: the same run on transformers 4.48.3 (before PR #36973 it logged the
  rate after the scheduler stepped: the next update's), when a directory holding 4.48.3 is
  given with ``--with-448``.
- ``hf-resumed/``: linear schedule, ``max_steps=20``, stopped after 10 updates with a checkpoint,
  then resumed from it with ``max_steps=30``: the resumed Trainer recomputes its schedule for 30
  steps (transformers #34053); the final ``trainer_state.json`` holds both parts.
- ``lightning-step/``: Lightning, SGD 0.1, CosineAnnealingLR(T_max=24) stepped per update
  (``interval: "step"``), 48 samples, batch 4, ``accumulate_grad_batches=2`` (6 updates an
  epoch, 4 epochs), LearningRateMonitor(logging_interval="step"), ``log_every_n_steps=1``, with
  both CSVLogger (``metrics.csv``) and TensorBoardLogger.
- ``lightning-epoch/``: the same with the default ``interval: "epoch"`` (the scheduler steps
  once an epoch), CSVLogger only.
- ``hf-mlflow/``: the ``hf-cosine-log1`` run with ``report_to=["mlflow"]`` into a file store
  (``MLFLOW_TRACKING_URI=file://...``, ``MLFLOW_ALLOW_FILE_STORE=true``: mlflow 3.18 keeps the
  file store in maintenance mode), when a directory holding mlflow-skinny is given with
  ``--with-mlflow``: the run folder's ``meta.yaml`` and ``metrics/`` (params and tags left out).
- ``wandb/``: W&B keeps a run's history on its server and an offline run writes no CSV, so
  these two are built, not exported: the ``hf-cosine-log1`` run's log as the transformers
  WandbCallback logs it (``rewrite_logs``: ``train/`` before each key, and
  ``train/global_step``; W&B adds ``_step``, ``_runtime``, ``_timestamp``), laid out as the
  documentation shows ``run.history()`` written by pandas ``to_csv`` (``history.csv``) and as a
  line plot's "Export CSV" (``panel.csv``: ``Step``, ``<run name> - <key>``, ``__MIN``, ``__MAX``).
- ``mmengine/``: MMEngine Runner, iteration-based loop of 20 iterations, SGD 0.1, LinearLR
  warmup over iterations [0, 4) then CosineAnnealingLR over [4, 20), LocalVisBackend: its
  ``scalars.json``.

Run with the venv ../shared/trainenv.sh builds (transformers 5.24.0, lightning 2.6.6,
mmengine 0.10.7)::

    pip install --no-deps --target /tmp/tf4483 transformers==4.48.3 "huggingface_hub<1.0" "tokenizers<0.22"
    pip install --target /tmp/mlflow mlflow-skinny==3.18.0
    python scripts/run_log_fixtures.py --with-448 /tmp/tf4483 --with-mlflow /tmp/mlflow
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "runlogs"

HF_RUN = {
    "learning_rate": 0.1,
    "lr_scheduler_type": "cosine",
    "warmup_steps": 3,
    "per_device_train_batch_size": 4,
    "num_train_epochs": 3,
}
HF_SAMPLES = 40


def _copy_events(source: Path, target: Path, run: str) -> None:
    found = sorted(source.rglob("events.out.tfevents.*"))
    assert len(found) == 1, found
    shutil.copyfile(found[0], target / f"events.out.tfevents.{run}")


def hf_runs(out: Path, v4: bool) -> None:
    import torch
    from torch.utils.data import Dataset
    from transformers import Trainer, TrainingArguments

    class Ones(Dataset):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return HF_SAMPLES

        def __getitem__(self, i: int) -> dict[str, Any]:
            return {"x": torch.tensor([1.0]), "labels": torch.tensor([0.0])}

    class Tiny(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x: Any, labels: Any = None) -> dict[str, Any]:
            return {"loss": ((self.w * x - 1.0) ** 2).mean()}

    def train(tmp: str, config: dict[str, Any], resume: bool = False, **extra: Any) -> Trainer:
        if v4:
            extra.setdefault("logging_dir", str(Path(tmp) / "runs"))
        args = TrainingArguments(
            output_dir=tmp,
            use_cpu=True,
            disable_tqdm=True,
            remove_unused_columns=False,
            seed=0,
            **config,
            **extra,
        )
        trainer = Trainer(model=Tiny(), args=args, train_dataset=Ones())
        trainer.train(resume_from_checkpoint=resume or None)
        trainer.save_state()
        return trainer

    runs = {"hf-4.48-cosine-log1": 1} if v4 else {"hf-cosine-log1": 1, "hf-cosine-log5": 5}
    for run, every in runs.items():
        with tempfile.TemporaryDirectory() as tmp:
            train(tmp, HF_RUN, logging_steps=every, report_to=["tensorboard"], save_strategy="no")
            target = out / run
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "trainer_state.json", target / "trainer_state.json")
            _copy_events(Path(tmp) / "runs", target, run)
    if v4:
        return
    resumed = {**HF_RUN, "lr_scheduler_type": "linear", "warmup_steps": 0}
    del resumed["num_train_epochs"]
    with tempfile.TemporaryDirectory() as tmp:
        common = {"logging_steps": 1, "report_to": [], "save_strategy": "steps", "save_steps": 10}
        # the first run is stopped after its 10th update, as a job killed after its checkpoint
        from transformers import TrainerCallback

        class StopAt10(TrainerCallback):
            def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
                if state.global_step == 10:
                    control.should_training_stop = True

        args = TrainingArguments(
            output_dir=tmp,
            use_cpu=True,
            disable_tqdm=True,
            remove_unused_columns=False,
            seed=0,
            max_steps=20,
            **resumed,
            **common,
        )
        Trainer(model=Tiny(), args=args, train_dataset=Ones(), callbacks=[StopAt10()]).train()
        train(tmp, {**resumed, "max_steps": 30}, resume=True, **common)
        target = out / "hf-resumed"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "trainer_state.json", target / "trainer_state.json")


def hf_mlflow_run(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "mlruns")  # not there yet: mlflow creates it with experiment 0
        os.environ["MLFLOW_TRACKING_URI"] = Path(store).as_uri()
        os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
        _hf_once(tmp, {**HF_RUN, "logging_steps": 1, "report_to": ["mlflow"], "save_strategy": "no"})
        runs = [
            meta.parent for meta in Path(store).glob("*/*/meta.yaml") if (meta.parent / "metrics").is_dir()
        ]
        assert len(runs) == 1, runs
        target = out / "hf-mlflow"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(runs[0] / "metrics", target / "metrics")
        shutil.copyfile(runs[0] / "meta.yaml", target / "meta.yaml")


def _hf_once(tmp: str, config: dict[str, Any]) -> None:
    import torch
    from torch.utils.data import Dataset
    from transformers import Trainer, TrainingArguments

    class Ones(Dataset):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return HF_SAMPLES

        def __getitem__(self, i: int) -> dict[str, Any]:
            return {"x": torch.tensor([1.0]), "labels": torch.tensor([0.0])}

    class Tiny(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x: Any, labels: Any = None) -> dict[str, Any]:
            return {"loss": ((self.w * x - 1.0) ** 2).mean()}

    args = TrainingArguments(
        output_dir=str(Path(tmp) / "out"),
        use_cpu=True,
        disable_tqdm=True,
        remove_unused_columns=False,
        seed=0,
        **config,
    )
    Trainer(model=Tiny(), args=args, train_dataset=Ones()).train()


def wandb_layouts(out: Path) -> None:
    import csv

    import pandas as pd

    state = json.loads((out / "hf-cosine-log1" / "trainer_state.json").read_text(encoding="utf-8"))
    rows = []
    for number, entry in enumerate(state["log_history"]):
        logged = {("train/" + key): value for key, value in entry.items() if key != "step"}
        rows.append({**logged, "train/global_step": entry["step"], "_step": number, "_runtime": 0.01 * number,
                     "_timestamp": 1796300777.0 + 0.01 * number})  # fmt: skip
    target = out / "wandb"
    target.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(target / "history.csv")
    with open(target / "panel.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL)
        key = "run-1 - train/learning_rate"
        writer.writerow(["Step", key, key + "__MIN", key + "__MAX"])
        for entry in state["log_history"]:
            if "learning_rate" in entry:
                rate = entry["learning_rate"]
                writer.writerow([entry["step"], rate, rate, rate])


def lightning_runs(out: Path) -> None:
    import lightning as L
    import torch
    from lightning.pytorch.callbacks import LearningRateMonitor
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger
    from torch.utils.data import DataLoader, TensorDataset

    class Tiny(L.LightningModule):
        def __init__(self, interval: str | None) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))
            self.interval = interval

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            (x,) = batch
            return ((self.w * x - 1.0) ** 2).mean()

        def configure_optimizers(self) -> Any:
            opt = torch.optim.SGD(self.parameters(), lr=0.1)
            sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=24)
            config: dict[str, Any] = {"scheduler": sched}
            if self.interval:
                config["interval"] = self.interval
            return {"optimizer": opt, "lr_scheduler": config}

    for run, interval in {"lightning-step": "step", "lightning-epoch": None}.items():
        with tempfile.TemporaryDirectory() as tmp:
            loggers: list[Any] = [CSVLogger(tmp, name="csv")]
            if interval:
                loggers.append(TensorBoardLogger(tmp, name="tb"))
            trainer = L.Trainer(
                max_epochs=4,
                accumulate_grad_batches=2,
                log_every_n_steps=1,
                logger=loggers,
                callbacks=[LearningRateMonitor(logging_interval="step")],
                accelerator="cpu",
                enable_progress_bar=False,
                enable_model_summary=False,
                enable_checkpointing=False,
            )
            data = DataLoader(TensorDataset(torch.ones(48, 1)), batch_size=4)
            trainer.fit(Tiny(interval), data)
            target = out / run
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "csv" / "version_0" / "metrics.csv", target / "metrics.csv")
            if interval:
                _copy_events(Path(tmp) / "tb", target, run)


def mmengine_run(out: Path) -> None:
    import torch
    from mmengine.model import BaseModel
    from mmengine.runner import Runner
    from torch.utils.data import Dataset

    class Ones(Dataset):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return 8

        def __getitem__(self, i: int) -> Any:
            return {"x": torch.ones(1)}

    class Tiny(BaseModel):
        def __init__(self) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x: Any, mode: str = "loss") -> Any:
            return {"loss": ((self.w * x - 1.0) ** 2).mean()}

    with tempfile.TemporaryDirectory() as tmp:
        runner = Runner(
            model=Tiny(),
            work_dir=tmp,
            train_dataloader={
                "dataset": Ones(),
                "sampler": {"type": "DefaultSampler", "shuffle": False},
                "batch_size": 2,
                "collate_fn": {"type": "default_collate"},
            },
            train_cfg={"by_epoch": False, "max_iters": 20},
            optim_wrapper={"optimizer": {"type": "SGD", "lr": 0.1}},
            param_scheduler=[
                {"type": "LinearLR", "start_factor": 0.1, "by_epoch": False, "begin": 0, "end": 4},
                {"type": "CosineAnnealingLR", "T_max": 16, "by_epoch": False, "begin": 4, "end": 20},
            ],
            default_hooks={"logger": {"type": "LoggerHook", "interval": 1}, "checkpoint": None},
            visualizer={"type": "Visualizer", "vis_backends": [{"type": "LocalVisBackend"}]},
            default_scope="mmengine",
        )
        runner.train()
        found = sorted(Path(tmp).rglob("scalars.json"))
        assert len(found) == 1, found
        target = out / "mmengine"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found[0], target / "scalars.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-448", help="a directory holding transformers 4.48.3")
    parser.add_argument("--with-mlflow", help="a directory holding mlflow-skinny")
    parser.add_argument(
        "--worker",
        choices=["hf", "hf4", "hf-mlflow", "wandb", "lightning", "mmengine"],
        help=argparse.SUPPRESS,
    )
    options = parser.parse_args()
    if options.worker:
        {
            "hf": lambda: hf_runs(OUT, v4=False),
            "hf4": lambda: hf_runs(OUT, v4=True),
            "hf-mlflow": lambda: hf_mlflow_run(OUT),
            "wandb": lambda: wandb_layouts(OUT),
            "lightning": lambda: lightning_runs(OUT),
            "mmengine": lambda: mmengine_run(OUT),
        }[options.worker]()
        return
    workers = ["hf", "wandb", "lightning", "mmengine"] + (["hf4"] if options.with_448 else [])
    workers += ["hf-mlflow"] if options.with_mlflow else []
    for worker in workers:  # each in its own process: the trainers print and keep global state
        env = dict(os.environ)
        if worker == "hf4":
            env["PYTHONPATH"] = options.with_448
        if worker == "hf-mlflow":
            env["PYTHONPATH"] = options.with_mlflow
        done = subprocess.run([sys.executable, __file__, "--worker", worker], env=env, capture_output=True)
        if done.returncode:
            sys.stderr.write(done.stderr.decode(errors="replace")[-4000:])
            raise SystemExit(f"{worker} failed")
        print(f"{worker}: done")
    sources = {
        "source": "scripts/run_log_fixtures.py",
        "runs": sorted(p.name for p in OUT.iterdir() if p.is_dir()),
    }
    (OUT / "README.json").write_text(json.dumps(sources, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
