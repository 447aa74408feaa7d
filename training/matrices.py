"""The sparse document-feature matrices the training scripts fit their logistic regressions on."""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.sparse import csr_matrix


def vocabulary_of(documents: list[Counter[str]], min_document_frequency: int) -> dict[str, int]:
    """Column per feature seen in at least ``min_document_frequency`` documents, in sorted order."""
    frequency: Counter[str] = Counter()
    for counts in documents:
        frequency.update(counts.keys())
    kept = sorted(name for name, seen in frequency.items() if seen >= min_document_frequency)
    return {name: index for index, name in enumerate(kept)}


def document_matrix(documents: list[Counter[str]], vocabulary: dict[str, int]) -> csr_matrix:
    """One row per document: its feature values in the vocabulary's columns (other features dropped)."""
    indptr, indices, values = [0], [], []
    for counts in documents:
        for name, value in counts.items():
            column = vocabulary.get(name)
            if column is not None:
                indices.append(column)
                values.append(value)
        indptr.append(len(indices))
    return csr_matrix((values, indices, indptr), shape=(len(documents), len(vocabulary)), dtype=np.float64)
