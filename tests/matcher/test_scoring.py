"""The fused score's parts (matcher/scoring.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from matcher.scoring import WEIGHTS, Weights, lexical_trust, rank_strength, strengths


def test_a_small_rank_constant_makes_a_channels_first_pick_count() -> None:
    """With a small constant, the record one channel ranks first and the other misses beats one
    both rank 3rd and 7th; with the constant of a list fusion (60) it does not. The product's
    constant is small, and a short query's word matches, which made generic partial matches
    rank middling in both channels, count little anyway (:func:`lexical_trust`)."""
    assert WEIGHTS.rank_k < 5
    assert rank_strength(1, 1) == pytest.approx(1.0)
    assert rank_strength(None, 1, k=0.5) > rank_strength(3, 7, k=0.5)
    assert rank_strength(None, 1, k=60) < rank_strength(3, 7, k=60)
    assert rank_strength(0, 2) == rank_strength(None, 2)  # 0: outside a channel's list
    assert rank_strength(1, 2) > rank_strength(1, 3) > rank_strength(1, 30) > rank_strength(1, None)
    # a long query: the lexical channel's first pick alone outweighs the meaning's first pick alone
    product = (WEIGHTS.rank_k, WEIGHTS.lexical_ranks, WEIGHTS.semantic_ranks)
    assert rank_strength(1, None, *product) > rank_strength(None, 1, *product)


def test_the_title_meaning_counts_in_the_text_score() -> None:
    """Two hits alike but for their title's cosine: the one whose name means what was asked
    scores higher; a hit without a title vector is scored on what it has."""
    def hit(title_semantic: float | None) -> SimpleNamespace:
        return SimpleNamespace(lexical=2.0, semantic=0.9, title_lexical=0.0, title_semantic=title_semantic,
                               lexical_rank=2, semantic_rank=2, standin=False)

    weights = Weights(lexical=0.35, semantic=0.5, title_semantic=0.6, lexical_ranks=0.25, semantic_ranks=0.25, rank_k=0.5)
    near, far = (strengths(hit(c), 4.0, 4.0, "e5", weights=weights) for c in (0.95, 0.85))
    assert near.text > far.text
    none = strengths(hit(None), 4.0, 4.0, "e5", weights=weights)
    assert none.title_semantic is None and far.text < none.text < near.text


def test_a_short_querys_word_match_earns_less_rank_credit_than_a_long_ones() -> None:
    """The lexical channel's first pick of a query of a few characters (one shared word such as
    工程师 says little) gets no rank credit, and its strength counts less; a long need's gets
    it in full; the meaning's first pick gets its credit at any length."""
    low, high = WEIGHTS.short_query
    assert 0 < low < high
    assert lexical_trust(low) == 0.0 and lexical_trust(high) == 1.0 and lexical_trust(200) == 1.0
    assert 0 < lexical_trust((low + high) // 2) < 1

    def hit(lexical_rank: int | None, semantic_rank: int | None) -> SimpleNamespace:
        return SimpleNamespace(lexical=2.0 if lexical_rank else 0.0, semantic=0.88, title_lexical=0.0, title_semantic=0.88,
                               lexical_rank=lexical_rank, semantic_rank=semantic_rank, standin=False)

    short, long_ = (strengths(hit(1, None), 4.0, 4.0, "e5", trust=lexical_trust(n)) for n in (low, high))
    assert short.ranks == 0.0 and long_.ranks > 0.5
    assert short.text < long_.text
    by_meaning = [strengths(hit(None, 1), 4.0, 4.0, "e5", trust=lexical_trust(n)).ranks for n in (low, high)]
    assert by_meaning[0] == pytest.approx(1.0) and by_meaning[1] > 0


def test_rank_strength_weighs_each_channel() -> None:
    assert rank_strength(1, None, 2.0, lexical_weight=0.0, semantic_weight=1.0) == 0.0
    assert rank_strength(None, 1, 2.0, lexical_weight=0.0, semantic_weight=1.0) == pytest.approx(1.0)
    assert rank_strength(1, 1, 2.0, lexical_weight=0.5, semantic_weight=0.25) == pytest.approx(1.0)
    assert rank_strength(1, None, 2.0, 0.5, 0.25) == pytest.approx(2 / 3)
    assert rank_strength(1, 1, 2.0, 0.0, 0.0) == 0.0
