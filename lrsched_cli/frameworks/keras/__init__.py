"""Keras: ``keras.optimizers.schedules``, reproduced (`reproduce`) and written (`emit`)."""
