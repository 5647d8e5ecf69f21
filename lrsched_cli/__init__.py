"""lrsched: see, epoch by epoch, the learning rate your training run will use."""

__version__ = "0.1.0"
