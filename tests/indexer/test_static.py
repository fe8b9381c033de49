"""The static embedder's distillation: deterministic, reduced and quantized, weighted by
frequency; and the table lookup it runs on."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.embedders import make_embedder
from indexer.tools.distill import UNKNOWN, distill, quantize, reduce, sif_weights
from indexer.embedders.static import StaticEmbedder, StaticTable

WORDS = [UNKNOWN, "机器", "视觉", "机器视觉", "缺陷", "检测", "缺陷检测", "酱油", "发酵", "工艺", "水稻", "栽培", "深", "度",
         "学习", "深度学习", "图像", "识别", "划痕", "的", "研究", "plc", "编程"]


def _table(tmp_path: Path, name: str) -> tuple[StaticTable, Path]:
    e5 = make_embedder("e5")
    frequencies = {"的": 300_000, "研究": 50_000, "机器": 3_000, "检测": 8_000, "栽培": 5}
    table = distill(WORDS, sif_weights(WORDS, frequencies), e5.embed_passages, dim=12)
    path = tmp_path / name
    table.save(path)
    return table, path


def test_distillation_is_deterministic_and_small(tmp_path: Path) -> None:
    first, one = _table(tmp_path, "a.npz")
    second, two = _table(tmp_path, "b.npz")
    assert first.digest() == second.digest()
    assert first.codes.dtype == np.int8 and first.codes.shape == (len(WORDS), 12)
    loaded = StaticTable.load(one)
    assert loaded.words == WORDS and loaded.digest() == first.digest()
    weights = dict(zip(WORDS, loaded.weights))
    assert weights["的"] < weights["研究"] < weights["机器"] < weights["缺陷检测"]  # frequent words count less


def test_reduce_and_quantize_keep_the_geometry() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(200, 32)).astype(np.float32)
    reduced = reduce(vectors, 32)
    centred = vectors - vectors.mean(axis=0)
    np.testing.assert_allclose(reduced @ reduced.T, centred @ centred.T, rtol=1e-3, atol=1e-3)  # a rotation
    codes, scales = quantize(reduced)
    restored = codes.astype(np.float32) * scales[:, None].astype(np.float32)
    assert np.abs(restored - reduced).max() <= np.abs(reduced).max() / 127 + 1e-3
    np.testing.assert_array_equal(reduce(vectors, 8), reduce(vectors.copy(), 8))


def test_static_vectors_are_a_lookup_and_a_weighted_mean(tmp_path: Path) -> None:
    _, path = _table(tmp_path, "t.npz")
    static = StaticEmbedder(path)
    vectors = static.embed_passages(["机器视觉缺陷检测", "酱油发酵工艺", "视觉检测划痕识别", "qwertyzx"])
    assert static.backend == "static" and static.model.startswith("static-e5/")
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[1]  # related beats unrelated
    unknown = static.embed_queries(["qwertyzx", "!!!"])
    np.testing.assert_allclose(unknown[0], unknown[1])  # nothing known: the empty text's vector
