"""Data model: canonical columns and vocabularies, coordinate systems."""
