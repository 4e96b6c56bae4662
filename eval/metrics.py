"""Ranking metrics over graded judgements: nDCG@k and recall@k."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

K = 10


def dcg(gains: Sequence[float]) -> float:
    """Return the discounted cumulative gain of gains listed in rank order (rank 1 first)."""
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def _gain(grade: int) -> float:
    # Exponential gain (2^grade - 1): a highly relevant letter is worth three partly relevant ones.
    return float(2 ** grade - 1)


def ndcg_at(ranked: Sequence[int], judgements: Mapping[int, int], k: int = K) -> float:
    """Return nDCG@k of a ranked list of document ids against graded judgements {id: grade}."""
    ideal = dcg([_gain(g) for g in sorted(judgements.values(), reverse=True)[:k]])
    if ideal == 0:
        return 0.0
    return dcg([_gain(judgements.get(doc_id, 0)) for doc_id in ranked[:k]]) / ideal


def recall_at(ranked: Sequence[int], judgements: Mapping[int, int], k: int = K) -> float:
    """Return the share of judged-relevant documents found in the top k (out of at most k)."""
    relevant = {doc_id for doc_id, grade in judgements.items() if grade > 0}
    if not relevant:
        return 0.0
    found = len(relevant.intersection(ranked[:k]))
    # Capped at k so that a query with more than k relevant letters can still reach 1.0.
    return found / min(len(relevant), k)
