"""Plutchik emotion engine: per-language scorers, calibration, fusion with selected emotions and voice."""
