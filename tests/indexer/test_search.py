"""indexer/search.py: filters apply before ranking; a record's term weights, the likeness of
wording and the centroid of vectors that the matcher's neighbourhood reads."""

from __future__ import annotations

import numpy as np
import pytest

from data.enums import Visibility
from indexer.context import get_context
from indexer.operations import rebuild_pool
from indexer.search import Filters, centroid, explains, likeness, search, similarity_to, term_weights
from tests.indexer.records import POOL, add_achievement, add_org, ids_for


def test_filters_apply_before_ranking(live_db: str) -> None:
    org, other = add_org(), add_org("另一所大学")
    public = add_achievement(org, "视觉")
    private = add_achievement(other, "区块链", visibility=Visibility.PRIVATE)
    rebuild_pool(get_context(), POOL)
    assert set(ids_for("检测 区块链")) == {public, private}
    assert ids_for("检测 区块链", filters=Filters(visibility={"public"})) == [public]
    assert set(ids_for("检测 区块链", filters=Filters(visibility={"public"}, own_org_ids={other}))) == {public, private}
    assert search(POOL, "区块链", filters=Filters(exclude_owner_org_ids={other})).total_lexical == 0


def test_a_records_wording_is_alike_to_itself_and_says_what_it_shares(live_db: str) -> None:
    org = add_org()
    vision, ferment = add_achievement(org, "视觉"), add_achievement(org, "发酵")
    rebuild_pool(get_context(), POOL)
    index = get_context().load(POOL)
    weights = term_weights(index, vision)
    assert weights and sum(w * w for w in weights.values()) == pytest.approx(1.0)  # unit length
    assert term_weights(index, 424242) == {}  # not indexed
    (own, own_terms), (other, _), (missing, none) = likeness(weights, index, [vision, ferment, 424242], said=3)
    assert own == pytest.approx(1.0) and len(own_terms) == 3 and all(t in weights for t in own_terms)
    assert other < own and (missing, none) == (0.0, [])
    assert all(explains(index, t) for t in weights)  # a pool of two: too few documents to judge


def test_the_centroid_of_stored_vectors(live_db: str) -> None:
    org = add_org()
    vision, ferment = add_achievement(org, "视觉"), add_achievement(org, "发酵")
    rebuild_pool(get_context(), POOL)
    index = get_context().load(POOL)
    one = centroid([(index, vision)])
    assert one is not None and np.linalg.norm(one) == pytest.approx(1.0, abs=1e-5)
    assert similarity_to(one, index, [vision])[0] == pytest.approx(1.0, abs=1e-3)
    both = centroid([(index, vision), (index, ferment)])
    assert both is not None and similarity_to(both, index, [vision])[0] < 1.0
    assert centroid([(index, 424242)]) is None  # no vector: nothing to average


def test_an_organization_sees_its_own_records_at_every_level(live_db: str) -> None:
    """Its 会员可见 records too, even when it is not a member in good standing (data.access)."""
    org, other = add_org(), add_org("另一所大学")
    members = add_achievement(org, "区块链", visibility=Visibility.MEMBERS)
    hidden = add_achievement(other, "区块链", visibility=Visibility.MEMBERS)
    rebuild_pool(get_context(), POOL)
    assert ids_for("区块链", filters=Filters(visibility={"public"}, own_org_ids={org})) == [members]
    assert set(ids_for("区块链", filters=Filters(visibility={"public", "members"}))) == {members, hidden}
