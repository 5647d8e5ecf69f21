"""Parity cases for the generic schedule commands, one module per group (see gen_catalogue_goldens.py)."""
