"""Accuracy evaluation of emotion engines against labelled JSONL data sets, with reference anchors."""
