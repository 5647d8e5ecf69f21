"""Keras: ``keras.optimizers.schedules``, reproduced (`reproduce`) and written (`emit`)."""

from lrsched_cli.frameworks.base import Framework

FRAMEWORK = Framework(
    "keras",
    "Keras",
    ("keras.optimizers.schedules", "tf.keras.optimizers.schedules", "tensorflow.keras.optimizers.schedules"),
    float32=True,
    tolerance=1e-6,
    unit="step",
)
