"""One contract, every vector-index backend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.vectors import VECTOR_BACKENDS, VectorIndex, new_vector_index


def unit(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(params=sorted(VECTOR_BACKENDS))
def index(request: pytest.FixtureRequest) -> VectorIndex:
    return VECTOR_BACKENDS[request.param](16)


def test_search_finds_each_vector_first(index: VectorIndex) -> None:
    vectors = unit(np.random.default_rng(1), 50)
    ids = np.arange(100, 150)
    index.upsert(ids, vectors)
    assert len(index) == 50 and sorted(index.ids().tolist()) == ids.tolist()
    for i in (0, 17, 49):
        hits = index.search(vectors[i], 3)
        assert hits.ids[0] == ids[i] and hits.scores[0] == pytest.approx(1.0, abs=1e-5)
        assert list(hits.scores) == sorted(hits.scores, reverse=True)


def test_upsert_replaces_and_delete_removes(index: VectorIndex) -> None:
    vectors = unit(np.random.default_rng(2), 10)
    index.upsert(np.arange(10), vectors)
    index.upsert(np.array([3]), vectors[7:8])  # record 3 now has record 7's vector
    hits = index.search(vectors[3], 10)
    assert 3 not in hits.ids[:1].tolist()
    assert set(index.search(vectors[7], 2).ids.tolist()) == {3, 7}
    index.delete(np.array([7, 3, 999]))
    assert len(index) == 8 and not ({3, 7} & set(index.search(vectors[7], 10).ids.tolist()))
    assert index.vector_of(3) is None
    np.testing.assert_allclose(index.scores_for(vectors[0], np.array([0, 3])), [1.0, np.nan], atol=1e-5)


def test_save_and_load(index: VectorIndex, tmp_path: Path) -> None:
    vectors = unit(np.random.default_rng(3), 20)
    index.upsert(np.arange(20), vectors)
    index.delete(np.array([5]))
    index.save(tmp_path)
    loaded = type(index).load(tmp_path, 16)
    assert sorted(loaded.ids().tolist()) == sorted(index.ids().tolist())
    assert loaded.search(vectors[9], 1).ids[0] == 9
    assert 5 not in loaded.search(vectors[5], 20).ids.tolist()


def test_empty_index_searches_to_nothing(index: VectorIndex) -> None:
    assert index.search(np.ones(16, np.float32) / 4, 5).ids.size == 0


def test_threshold_picks_backend() -> None:
    assert new_vector_index(16, 10).kind == "flat"
    assert new_vector_index(16, 1_000_000).kind == "hnsw"
