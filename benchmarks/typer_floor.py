"""The start-up floor: a one-command Typer app printing what `lrsched step --lr 0.1 --step-size 10`
prints, byte for byte. `bench.py` times lrsched against it in the same venv."""

from typing import Annotated

import typer

app = typer.Typer()


@app.command()
def step(
    lr: Annotated[float, typer.Option()],
    step_size: Annotated[int, typer.Option()],
    gamma: float = 0.1,
    epochs: int = 30,
) -> None:
    rows = (f"Epoch {k + 1}, Learning Rate: {lr * gamma ** (k // step_size):.6f}\n" for k in range(epochs))
    print("".join(rows), end="")


app()
