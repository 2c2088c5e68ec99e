"""Anki packages (.apkg) both ways, Anki's text format and CSV. No `anki` import here:
Anki's own engine is only the tests' oracle."""
