"""srs: a terminal spaced-repetition trainer for exam preparation."""

__version__ = "0.1.0"
