"""Build the labelled dev sets in ``data/eval/`` from the shipped public data.

Labels come from the data itself, never from judgement by hand:

- ``csl-title``: a paper's title, as a need is written, finds its abstract (2) and the papers
  sharing one of its keywords (1). (Graded since the abstract alone saturates: every ranking
  found it first for 99% of the titles, so the set told nothing apart.)
- ``csl-keywords``: a paper's keywords, as a user types them, find the paper (2) and other
  papers sharing one of its keywords (1).
- ``csl-discipline``: a paper's title finds papers of the same discipline (1), itself (2);
  candidates carry their discipline as ``fields``, queries do not.
- ``csl-keywords-discipline``: a paper's keywords find papers of the same discipline (1),
  itself (2): a keyword query judged by topic, not by shared words (added after the fusion
  was chosen, as a check that it generalizes).
- ``csco-jobs``: an occupation's name and alias (what a post is called) finds its
  description (2) and the descriptions of its sibling occupations in the same small
  category (1); queries carry the major category as ``fields``.
- ``csco-skills``: four keywords of an occupation's tasks, typed as a keyword list the way an
  enterprise lists what a post needs (the top TF-IDF terms of its tasks, not chosen by
  hand), find the occupation (2) and its siblings (1). A second keyword-style set, from
  another source than ``csl-keywords``.

Each set: ``records.jsonl``, ``queries.jsonl``, ``qrels.tsv`` — the ``chanjiao eval`` format.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from data.demo import load_papers
from data.settings import SEED_DIR
from indexer.analyzer import get_analyzer

EVAL_DIR = Path(__file__).resolve().parents[1] / "data" / "eval"
QUERIES_PER_SET = 400
SEED = 11


def _write(folder: Path, records: list[dict[str, Any]], queries: list[dict[str, Any]],
           qrels: list[tuple[str, str, int]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("records.jsonl", records), ("queries.jsonl", queries)):
        with (folder / name).open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with (folder / "qrels.tsv").open("w", encoding="utf-8") as fh:
        fh.writelines(f"{q}\t0\t{d}\t{g}\n" for q, d, g in qrels)


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
    _write(root / "csl-title", records, title_q, [rel for i in chosen for rel in related(f"t{i}", i)])

    kw_q = [{"id": f"k{i}", "text": " ".join(papers[i].keywords)} for i in chosen]
    _write(root / "csl-keywords", records, kw_q, [rel for i in chosen for rel in related(f"k{i}", i)])

    by_discipline: dict[str, list[int]] = defaultdict(list)
    for n, p in enumerate(papers):
        by_discipline[p.discipline].append(n)
    disc_q, disc_rels = [], []
    for i in chosen:
        disc_q.append({"id": f"d{i}", "text": papers[i].title})
        disc_rels.extend((f"d{i}", papers[j].id, 2 if j == i else 1) for j in by_discipline[papers[i].discipline])
    _write(root / "csl-discipline", records, disc_q, disc_rels)

    mixed_q = [{"id": f"x{i}", "text": q["text"]} for i, q in zip(chosen, kw_q)]
    mixed_rels = [(f"x{q[1:]}", doc, grade) for q, doc, grade in disc_rels]
    _write(root / "csl-keywords-discipline", records, mixed_q, mixed_rels)


def build_csco_set(root: Path = EVAL_DIR) -> None:
    rows, seen = [], set()
    with (SEED_DIR / "csco22.csv").open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            # A few codes appear twice in the list; the first entry stands.
            if raw["level"] == "4" and raw["definition"] and raw["tasks"] and raw["code"] not in seen:
                seen.add(raw["code"])
                rows.append(raw)
    majors = {}
    with (SEED_DIR / "csco22.csv").open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            if raw["level"] == "1":
                majors[raw["code"][0]] = raw["name"]
    records = [{"id": r["code"], "text": f"{r['definition']}主要工作任务：{r['tasks']}",
                "fields": [majors.get(r["code"][0], "其他")]} for r in rows]
    by_group: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_group[r["code"][:7]].append(r["code"])
    rng = random.Random(SEED)
    chosen = rng.sample(rows, min(QUERIES_PER_SET, len(rows)))
    queries, rels = [], []
    for r in chosen:
        name = re.sub(r"[A-Z]+$", "", r["name"])
        aliases = [a for a in r["alias"].split(",") if a and a != r["name"] and a != name]
        text = f"招聘{name}" + (f"（{aliases[0]}）" if aliases else "")
        queries.append({"id": f"j{r['code']}", "text": text, "fields": [majors.get(r["code"][0], "其他")]})
        rels.extend((f"j{r['code']}", code, 2 if code == r["code"] else 1) for code in by_group[r["code"][:7]])
    _write(root / "csco-jobs", records, queries, rels)

    # TF-IDF over the occupations' tasks, with the product's own analyzer.
    analyzer = get_analyzer()
    tasks = {r["code"]: analyzer.tokens(r["tasks"]) for r in rows}
    df = Counter(t for tokens in tasks.values() for t in set(tokens))

    def keywords(tokens: list[str]) -> list[str]:
        tf = Counter(t for t in tokens if len(t) >= 2 and not t.isdigit())
        weight = {t: n * math.log(len(tasks) / df[t]) for t, n in tf.items()}
        return sorted(weight, key=lambda t: (-weight[t], t))[:4]

    skill_q, skill_rels = [], []
    for r in chosen:
        skill_q.append({"id": f"s{r['code']}", "text": " ".join(keywords(tasks[r["code"]]))})
        skill_rels.extend((f"s{r['code']}", code, 2 if code == r["code"] else 1) for code in by_group[r["code"][:7]])
    _write(root / "csco-skills", records, skill_q, skill_rels)


def build_all(root: Path = EVAL_DIR) -> list[Path]:
    build_csl_sets(root)
    build_csco_set(root)
    return sorted(p for p in root.iterdir() if p.is_dir())
