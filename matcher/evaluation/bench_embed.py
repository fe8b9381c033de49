"""``chanjiao bench embed``: the embedders side by side — records/s per core and query latency
on real texts of each pool shape, and nDCG@10 on the dev sets, each backend alone (semantic
only) and inside the product ranking.

Texts, from the shipped data: short titles (CSL titles), need descriptions (CSL abstracts and
patent problems, as needs are written) and profiles (the person-expert records). Every backend
embeds the same texts with one thread and no vector cache, so records/s is per core; a backend
with bulk workers (e5: one process per core) is measured again the way an import or a rebuild
embeds, every worker at once.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from indexer.embedders import bulk_worker_count, get_embedder
from indexer.vector_cache import VectorCache
from matcher.evaluation.devsets import EVAL_DIR
from matcher.evaluation.sets import load_set

Echo = Callable[[str], None]
QUERY_SAMPLE = 100


def shape_texts(count: int) -> dict[str, list[str]]:
    """``count`` real texts of each shape, in a fixed order."""
    titles, abstracts = load_set(EVAL_DIR / "csl-need-title"), load_set(EVAL_DIR / "csl-title")
    patents, people = load_set(EVAL_DIR / "patent-need"), load_set(EVAL_DIR / "person-expert")
    text = lambda row: " ".join(str(row.get(k) or "") for k in ("name", "text")).strip()  # noqa: E731
    needs = [str(r["text"]) for r in abstracts.records] + [str(q["text"]) for q in patents.queries]
    return {"名称（短标题）": [text(r) for r in titles.records][:count], "需求描述": needs[:count],
            "人员简介": [text(r) for r in people.records][:count]}


def _speed(embed: Callable[[Sequence[str]], np.ndarray], texts: list[str]) -> float:
    started = time.perf_counter()
    embed(texts)
    return len(texts) / max(time.perf_counter() - started, 1e-9)


def run_embed_bench(backends: Sequence[str], count: int, sets: Sequence[Path], echo: Echo) -> None:
    shapes = shape_texts(count)
    echo(f"每种文本 {count} 条；单线程、无向量缓存（条/秒即每核）")
    header = f"{'后端':8s} " + " ".join(f"{name:>14s}" for name in shapes) + f" {'查询延迟 p50':>14s}"
    echo(header)
    for backend in backends:
        embedder = get_embedder(backend, threads=1)
        embedder.embed_passages(["预热"])
        speeds = [_speed(embedder.embed_passages, texts) for texts in shapes.values()]
        latencies = []
        for text in shapes["名称（短标题）"][:QUERY_SAMPLE]:
            started = time.perf_counter()
            embedder.embed_queries([text])
            latencies.append((time.perf_counter() - started) * 1000)
        echo(f"{backend:8s} " + " ".join(f"{s:12.1f}/s" for s in speeds) + f" {np.percentile(latencies, 50):11.2f} ms")
        workers = embedder.bulk_workers(bulk_worker_count())
        if len(workers) > 1:  # what an import or a rebuild gets: one process per core
            for worker in workers:
                worker.embed_passages(["预热"])
            with tempfile.TemporaryDirectory() as tmp:
                cache = VectorCache(embedder.model, Path(tmp) / "bench.sqlite")
                bulk = [_speed(lambda t: cache.embed("bench", t, embedder.embed_passages,  # a kind no seed vector has
                                                     workers=[w.embed_passages for w in workers]), texts)
                        for texts in shapes.values()]
                cache.close()
            echo(f"{backend + f' ×{len(workers)}':8s} " + " ".join(f"{s:12.1f}/s" for s in bulk)
                 + f"   （批量任务：{len(workers)} 个进程同时向量化）")
    if not sets:
        return
    from matcher.evaluation import run_eval

    echo("")
    echo(f"{'评测集':26s} " + " ".join(f"{b + ' 仅语义':>12s} {b + ' 产品':>12s}" for b in backends))
    for folder in sets:
        row = []
        for backend in backends:
            table = run_eval(folder, backend, lambda _: None)
            row.append(f"{table['semantic']['ndcg10']:12.4f} {table['product']['ndcg10']:12.4f}")
        echo(f"{folder.name:26s} " + " ".join(row))
