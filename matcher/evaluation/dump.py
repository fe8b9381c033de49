"""``chanjiao eval --dump FILE``: every candidate the product considered for every query of a
set, with every raw signal, its stored vector and its wording, so that fusions can be compared
offline (:mod:`matcher.evaluation.fusion`) — by numbers, on every set, with leave-one-set-out —
without indexing or embedding again."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from data.db import session_scope
from indexer.search import term_weights
from data.access import Viewer
from matcher.engine import query_keywords
from matcher.evaluation.run import Echo, ask, channel_ranking, indexed_set
from matcher.recommend import recommend_text

WIDE = 10_000  # every candidate, not only the top
TERMS_KEPT = 40


@dataclass
class QueryDump:
    qid: str
    text: str
    judged: dict[str, int]
    docs: list[str]  # set ids of the candidates
    detail: list[dict[str, float]]  # the engine's raw signals of each candidate, its score and the score's parts (part:…), 0–1
    vectors: np.ndarray  # float16, one row per candidate (NaN where it has none)
    terms: list[dict[str, float]]  # each candidate's strongest tf-idf term weights
    bm25: list[str] = field(default_factory=list)  # the channels alone, best first
    semantic: list[str] = field(default_factory=list)
    # whether the engine scored the query as a keyword list (a stored record asking never is);
    # None in dumps written before it was kept: read off the text
    keywords: bool | None = None


@dataclass
class SetDump:
    name: str
    backend: str
    queries: list[QueryDump]


def dump_set(folder: Path, out: Path, backend: str | None, echo: Echo) -> SetDump:
    with indexed_set(folder, backend, echo) as indexed:
        data, ctx = indexed.data, indexed.ctx
        indexes = {pool: ctx.load(pool) for pool in data.pools}
        dumps = []
        with session_scope(indexed.engine) as session:
            for row in data.queries:
                query = ask(session, data, row)
                matches = recommend_text(session, ctx, query, data.direction, viewer=Viewer(staff=True), k=WIDE)
                vectors = np.full((len(matches), ctx.embedder.dim), np.nan, dtype=np.float16)
                terms: list[dict[str, Any]] = []
                for n, m in enumerate(matches):
                    vector = indexes[m.pool].vectors.vector_of(m.id)
                    if vector is not None:
                        vectors[n] = vector
                    weights = term_weights(indexes[m.pool], m.id)
                    terms.append(dict(sorted(weights.items(), key=lambda kv: -kv[1])[:TERMS_KEPT]))
                dumps.append(QueryDump(
                    row["id"], query.text, data.qrels.get(row["id"], {}), [indexed.set_id[(m.pool, m.id)] for m in matches],
                    [{**m.detail, "score": m.score / 100, **{f'part:{k}': v / 100 for k, v in m.parts.items()}} for m in matches], vectors, terms,
                    channel_ranking(ctx, data.pools, query.text, "lexical", indexed.set_id),
                    channel_ranking(ctx, data.pools, query.text, "semantic", indexed.set_id),
                    bool(query_keywords(query))))
        result = SetDump(folder.name, ctx.embedder.backend, dumps)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    echo(f"已写出 {len(dumps)} 条查询的候选与信号：{out}")
    return result


def load_dump(path: Path) -> SetDump:
    with path.open("rb") as fh:
        found = pickle.load(fh)
    assert isinstance(found, SetDump)
    return found


__all__ = ["QueryDump", "SetDump", "dump_set", "load_dump"]
