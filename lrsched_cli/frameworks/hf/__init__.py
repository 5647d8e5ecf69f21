"""Hugging Face transformers: its schedule functions, reproduced (`reproduce`) and written (`emit`)."""
