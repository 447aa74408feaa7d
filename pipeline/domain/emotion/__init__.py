"""Plutchik emotion engine: per-language text scorers, calibration, fusion with selected emotions and voice."""
