"""Frameworks: each one folder, reading its scheduler calls (`reproduce`) and writing them (`emit`)."""
