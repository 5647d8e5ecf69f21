"""optax: its schedules, reproduced (`reproduce`) and written (`emit`)."""
