"""The Scrapinghub article-extraction-benchmark shingle metric, as in shared/research/real-data.md.

Tokens are ``\\w+`` after NFC; each text is a multiset of 4-gram shingles. Per page: TP = overlap,
FP = predicted excess, FN = expected excess. Precision and recall are means over pages (pages with
nothing predicted are left out of precision; a page with FP = FN = 0 scores 1), and F1 is taken
from the two means.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(unicodedata.normalize("NFC", text or ""))
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Score (expected, predicted) text pairs."""
    precisions: list[float] = []
    recalls: list[float] = []
    for expected, predicted in pairs:
        want, got = shingles(expected), shingles(predicted)
        tp = sum((want & got).values())
        fp = sum(got.values()) - tp
        fn = sum(want.values()) - tp
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return Score(precision, recall, len(recalls))
