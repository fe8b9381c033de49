"""Dev sets from the CSL papers (see the package docstring)."""

from __future__ import annotations

import csv
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.settings import SEED_DIR
from matcher.evaluation.devsets.common import EVAL_DIR, QUERIES_PER_SET, SEED, char_overlap, write_set


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    abstract: str
    keywords: list[str]
    category: str
    discipline: str


def load_papers() -> list[Paper]:
    """The 2,000 CSL papers with abstracts, keywords and discipline."""
    with (SEED_DIR / "csl_2000_merged.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [Paper(r["id"], r["title"], r["abstract"], r["keywords"], r["category"], r["discipline"]) for r in rows]


def load_titles() -> list[tuple[str, str, str]]:
    """The 8,000 further CSL titles: (id, title, category), each title once."""
    found, seen = [], set()
    with (SEED_DIR / "csl_titles_8000.tsv").open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t")):
            if row["title"] and row["title"] not in seen:
                seen.add(row["title"])
                found.append((f"c{n}", row["title"], row["category"]))
    return found


def _paper_records() -> list[dict[str, Any]]:
    return [{"id": p.id, "text": p.abstract, "fields": [p.discipline]} for p in load_papers()]


def build_csl_sets(root: Path = EVAL_DIR) -> None:
    papers = load_papers()
    rng = random.Random(SEED)
    chosen = rng.sample(range(len(papers)), QUERIES_PER_SET)
    records = _paper_records()

    by_keyword: dict[str, set[int]] = defaultdict(set)
    for n, p in enumerate(papers):
        for k in p.keywords:
            by_keyword[k].add(n)

    def related(qid: str, i: int) -> list[tuple[str, str, int]]:
        """The paper itself (2) and every paper sharing one of its keywords (1)."""
        sharing = set().union(*(by_keyword[k] for k in papers[i].keywords)) - {i}
        return [(qid, papers[i].id, 2)] + [(qid, papers[j].id, 1) for j in sorted(sharing)]

    title_q = [{"id": f"t{i}", "text": papers[i].title} for i in chosen]
    write_set(root / "csl-title", records, title_q, [rel for i in chosen for rel in related(f"t{i}", i)])

    kw_q = [{"id": f"k{i}", "text": " ".join(papers[i].keywords)} for i in chosen]
    write_set(root / "csl-keywords", records, kw_q, [rel for i in chosen for rel in related(f"k{i}", i)])

    by_discipline: dict[str, list[int]] = defaultdict(list)
    for n, p in enumerate(papers):
        by_discipline[p.discipline].append(n)
    disc_q: list[dict[str, Any]] = []
    disc_rels: list[tuple[str, str, int]] = []
    for i in chosen:
        disc_q.append({"id": f"d{i}", "text": papers[i].title})
        disc_rels.extend((f"d{i}", papers[j].id, 2 if j == i else 1) for j in by_discipline[papers[i].discipline])
    write_set(root / "csl-discipline", records, disc_q, disc_rels)

    mixed_q = [{"id": f"x{i}", "text": q["text"]} for i, q in zip(chosen, kw_q)]
    mixed_rels = [(f"x{q[1:]}", doc, grade) for q, doc, grade in disc_rels]
    write_set(root / "csl-keywords-discipline", records, mixed_q, mixed_rels)



# -- need-like sentence → title ------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。；;！？!?]|\.(?!\d)")
_LEAD = re.compile(r"^\s*[\[【(（]?(目的|摘要|背景|研究目的)[\]】)）:：]?\s*")
NEED_MAX_CHARS = 60
NEED_MIN_CHARS = 12
MAX_OVERLAP = 0.5


def need_sentence(abstract: str) -> str:
    """An abstract's first sentence as a need is worded: without a 「目的」 lead, cut at a
    comma before ``NEED_MAX_CHARS``."""
    first = _LEAD.sub("", _SENTENCE_END.split(abstract.strip(), maxsplit=1)[0]).strip()
    if len(first) > NEED_MAX_CHARS:
        cut = max(first.rfind(p, 0, NEED_MAX_CHARS) for p in "，,、")
        first = first[:cut] if cut >= NEED_MIN_CHARS else first[:NEED_MAX_CHARS]
    return first.strip(" ，,、")


def build_need_title_set(root: Path = EVAL_DIR) -> None:
    """``csl-need-title``: a paper's first sentence, as a need is worded, finds the paper's
    title (2) among 10,000 titles with no other text (the 2,000 papers and 8,000 more). Only
    sentences sharing under half the title's characters are asked: a result is rarely named
    the way a need is described."""
    papers = load_papers()
    records = [{"id": p.id, "name": p.title, "text": "", "fields": [p.category]} for p in papers]
    known = {p.title for p in papers}
    records += [{"id": i, "name": t, "text": "", "fields": [c]} for i, t, c in load_titles() if t not in known]
    eligible = []
    for p in papers:
        need = need_sentence(p.abstract)
        if len(need) >= NEED_MIN_CHARS and char_overlap(need, p.title) < MAX_OVERLAP:
            eligible.append((p, need))
    chosen = random.Random(SEED).sample(eligible, min(QUERIES_PER_SET, len(eligible)))
    queries = [{"id": f"n{p.id}", "text": need} for p, need in chosen]
    write_set(root / "csl-need-title", records, queries, [(f"n{p.id}", p.id, 2) for p, _ in chosen])
