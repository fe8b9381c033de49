"""``chanjiao bench index``: throughput, build times, sizes, memory and query latency.

Corpora of 10k and 100k records are generated from the demo data (CSL papers recombined:
each record is a paper title plus sentences of other papers of its discipline). Embedding
throughput is measured on real text per backend; the 100k vector index is built from real
e5 vectors of the demo records, recombined the same way, because embedding 100k texts with
e5 on this CPU takes hours. Query latency always includes the real query embedding.
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data.demo import load_papers
from data.pools import Pool
from indexer.analyzer import get_analyzer
from indexer.context import IndexContext
from indexer.embedders import get_embedder
from indexer.lexical import LexicalIndex
from indexer.search import search
from indexer.store import Doc, IndexStore, PoolIndex
from indexer.vectors import new_vector_index

Echo = Callable[[str], None]


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(into: dict[str, float], key: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[key] = time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p)) if values else float("nan")


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024 / 1024


@dataclass
class Corpus:
    texts: list[str]
    sources: list[int]  # the paper each record is built around
    queries: list[str]


def make_corpus(size: int, seed: int = 7, queries: int = 200) -> Corpus:
    """Deterministic records recombined from the CSL papers shipped with the demo."""
    rng = random.Random(seed)
    papers = load_papers()
    by_discipline: dict[str, list[int]] = {}
    for i, paper in enumerate(papers):
        by_discipline.setdefault(paper.discipline, []).append(i)
    sentences = [[s for s in p.abstract.replace(".", "。").split("。") if len(s) > 8] or [p.abstract] for p in papers]
    texts, sources = [], []
    for n in range(size):
        base = n % len(papers) if n < len(papers) else rng.randrange(len(papers))
        mates = by_discipline[papers[base].discipline]
        parts = [papers[base].title, rng.choice(sentences[base])]
        parts += [rng.choice(sentences[rng.choice(mates)]) for _ in range(2)]
        texts.append("。".join(parts))
        sources.append(base)
    query_texts = [" ".join(rng.sample(papers[i].keywords, min(2, len(papers[i].keywords))))
                   for i in rng.sample(range(len(papers)), queries)]
    return Corpus(texts, sources, query_texts)


def embedding_throughput(backends: list[str], sample: list[str], echo: Echo) -> dict[str, float]:
    rates = {}
    for backend in backends:
        embedder = get_embedder(backend)
        embedder.embed_passages(sample[:2])  # load the model outside the timing
        start = time.perf_counter()
        embedder.embed_passages(sample)
        rates[backend] = len(sample) / (time.perf_counter() - start)
        echo(f"  向量化吞吐 {backend:4s}: {rates[backend]:7.1f} 条/秒（{len(sample)} 条，单线程）")
    return rates


def synthetic_vectors(corpus: Corpus, base_vectors: np.ndarray, seed: int = 7) -> np.ndarray:
    """Recombine real vectors as the texts were recombined: the base paper plus mates, plus noise."""
    rng = np.random.default_rng(seed)
    mates = rng.integers(0, len(base_vectors), size=len(corpus.texts))
    vectors = base_vectors[corpus.sources] * 0.8 + base_vectors[mates] * 0.2
    vectors += rng.normal(scale=0.01, size=vectors.shape).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def bench_lexical_engines(tokens: list[list[str]], queries: list[list[str]], k: int, echo: Echo) -> None:
    """bm25s (ours) and tantivy side by side on the same tokens and queries."""
    timings: dict[str, float] = {}
    with timed(timings, "bm25s"):
        index = LexicalIndex.build(tokens)
    latencies = []
    for q in queries:
        start = time.perf_counter()
        index.search(q, k)
        latencies.append((time.perf_counter() - start) * 1000)
    echo(f"  bm25s   建索引 {timings['bm25s']:6.1f} 秒  查询 p50 {percentile(latencies, 50):6.2f} ms  p95 {percentile(latencies, 95):6.2f} ms")
    try:
        import tantivy
    except ImportError:
        echo("  tantivy 未安装，跳过对比")
        return
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    schema = builder.build()
    with tempfile.TemporaryDirectory() as tmp:
        with timed(timings, "tantivy"):
            tindex = tantivy.Index(schema, path=tmp)
            writer = tindex.writer(200_000_000, 1)
            for n, doc in enumerate(tokens):
                writer.add_document(tantivy.Document(id=n, body=" ".join(doc)))
            writer.commit()
            writer.wait_merging_threads()
            tindex.reload()
        searcher = tindex.searcher()
        t_lat = []
        for q in queries:
            start = time.perf_counter()
            clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in q]
            if clauses:
                searcher.search(tantivy.Query.boolean_query(clauses), k)
            t_lat.append((time.perf_counter() - start) * 1000)
    echo(f"  tantivy 建索引 {timings['tantivy']:6.1f} 秒  查询 p50 {percentile(t_lat, 50):6.2f} ms  p95 {percentile(t_lat, 95):6.2f} ms")


def bench_size(size: int, base_vectors: np.ndarray, backend: str, queries: int, echo: Echo) -> None:
    echo(f"\n== {size:,} 条记录 ==")
    corpus = make_corpus(size, queries=queries)
    analyzer = get_analyzer().warm()
    timings: dict[str, float] = {}
    with timed(timings, "tokenize"):
        tokens = [analyzer.tokens(t) for t in corpus.texts]
    echo(f"  分词 {timings['tokenize']:6.1f} 秒（{size / timings['tokenize']:,.0f} 条/秒）")
    query_tokens = [analyzer.query_tokens(q) for q in corpus.queries]
    bench_lexical_engines(tokens, query_tokens, 10, echo)

    embedder = get_embedder(backend)
    vectors = synthetic_vectors(corpus, base_vectors)
    kind = new_vector_index(embedder.dim, size).kind  # what the product would build at this size
    for candidate in ("flat", "hnsw"):
        index = new_vector_index(embedder.dim, size, candidate)
        with timed(timings, candidate):
            index.upsert(np.arange(1, size + 1, dtype=np.int64), vectors)
        echo(f"  FAISS {candidate:5s} 建索引 {timings[candidate]:6.1f} 秒")
        if candidate == kind:
            vector_index = index
    docs = [Doc(n + 1, None, None, "public", None, "", "") for n in range(size)]
    with tempfile.TemporaryDirectory() as tmp:
        store = IndexStore(Path(tmp))
        ctx = IndexContext(store, analyzer, embedder)
        pool_index = PoolIndex.empty(Pool.ACHIEVEMENT, embedder.backend, embedder.model, embedder.dim,
                                     analyzer.dictionary_hash, size)
        pool_index = PoolIndex(pool_index.meta, docs, LexicalIndex.build(tokens), vector_index)
        with store.writer(Pool.ACHIEVEMENT):
            store.publish(Pool.ACHIEVEMENT, pool_index)
        echo(f"  索引目录 {folder_mb(store.pool_dir(Pool.ACHIEVEMENT)):7.1f} MB（{kind}），进程峰值内存 {rss_mb():7.0f} MB")
        for mode in ("lexical", "semantic", "hybrid"):
            latencies = []
            for q in corpus.queries:
                ctx._queries.clear()  # every query pays for its embedding
                start = time.perf_counter()
                search(Pool.ACHIEVEMENT, q, 10, mode=mode, ctx=ctx)
                latencies.append((time.perf_counter() - start) * 1000)
            label = {"lexical": "文本", "semantic": "语义", "hybrid": "组合"}[mode]
            echo(f"  {label}检索 p50 {percentile(latencies, 50):6.2f} ms  p95 {percentile(latencies, 95):6.2f} ms"
                 f"{'（含查询向量化）' if mode != 'lexical' else ''}")


def base_vectors_for(backend: str, echo: Echo) -> np.ndarray:
    """Real passage vectors of the 2,000 papers (cached; shipped for e5)."""
    from indexer.vector_cache import VectorCache

    embedder = get_embedder(backend)
    papers = load_papers()
    texts = ["。".join([p.title, "、".join(p.keywords), p.abstract])[:256] for p in papers]
    cache = VectorCache(embedder.model)
    start = time.perf_counter()
    vectors = cache.embed("passage", texts, embedder.embed_passages)
    echo(f"基础向量：{len(texts)} 篇论文（{backend}），{time.perf_counter() - start:.1f} 秒（缓存命中则近于 0）")
    return vectors


def run_index_bench(sizes: list[int], backends: list[str], queries: int, echo: Echo) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from indexer.vectors import faiss_threads

    faiss_threads(1)
    echo(f"机器：{os.cpu_count()} 核；FAISS/向量模型单线程")
    sample = [t[:256] for t in make_corpus(300, queries=1).texts[:200]]
    embedding_throughput(backends, sample, echo)
    base = base_vectors_for(backends[0], echo)
    for size in sizes:
        bench_size(size, base, backends[0], queries, echo)
    echo(f"\n进程峰值内存 {rss_mb():.0f} MB")


__all__ = ["make_corpus", "run_index_bench"]
