"""Dev sets from the patents (see the package docstring)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from data.settings import SEED_DIR
from matcher.evaluation.devsets.common import EVAL_DIR, QUERIES_PER_SET, SEED, write_set
from matcher.evaluation.devsets.csl import load_papers

_SENTENCE = re.compile(r"(?<=[。；;])")
_PROBLEM = re.compile(r"解决|克服|针对|旨在|目的|问题|难以|不足")
_BOILERPLATE = re.compile(r"本(发明|申请|实用新型)(的目的是|的目的在于|公开了|涉及|提供了?|所述|的)?|所述")
_OPENING = re.compile(r"^(本(发明|申请|实用新型)(公开|涉及|提供|提出)了?|提供了?)")
NAME_MAX_CHARS = 40
NEED_MIN_CHARS = 12
NEED_MAX_CHARS = 90


@dataclass(frozen=True)
class Patent:
    id: str
    title: str
    abstract: str
    keywords: list[str]


def load_patents() -> list[Patent]:
    with (SEED_DIR / "kppatent_zh_3720.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    # Ids restart in each split of the source, so an id carries its split.
    return [Patent(f"pt-{r['split']}-{r['id']}", (r.get("title") or "").strip(), r["abstract"].strip(),
                   [k for k in r["keywords"] if len(k) >= 2]) for r in rows]


def patent_name(patent: Patent) -> str:
    """Its title, or — for the many without one — the opening of its abstract, which names
    what it is the way a title does (「一种用于液化和提纯高压乙烷供给流的装置」)."""
    if patent.title:
        return patent.title
    opening = re.split(r"[，,。；;：:]", _OPENING.sub("", patent.abstract), maxsplit=1)[0]
    return opening[:NAME_MAX_CHARS]


def problem_sentence(patent: Patent) -> tuple[str, str] | None:
    """The sentence saying what problem the patent solves, and the need it reads as (without
    patent boilerplate); None when the abstract has none."""
    for sentence in _SENTENCE.split(patent.abstract):
        if _PROBLEM.search(sentence):
            need = _BOILERPLATE.sub("", sentence).strip(" 。；;，,").removeprefix("的")
            if NEED_MIN_CHARS <= len(need):
                return sentence, need[:NEED_MAX_CHARS]
    return None


def build_patent_need_set(root: Path = EVAL_DIR) -> None:
    """``patent-need``: what a patent's abstract says it solves (「解决了现有技术中…的问题」), as
    an enterprise states a need, finds that patent (2) among 3,720 patents and 2,000 papers
    held as 成果 (name, description, keywords). The sentence asked is taken out of the
    patent's description: a need does not come with the result's wording attached."""
    records, eligible = [], []
    for patent in load_patents():
        found = problem_sentence(patent)
        text = patent.abstract.replace(found[0], "", 1) if found else patent.abstract
        records.append({"id": patent.id, "name": patent_name(patent), "text": text.strip(), "tags": patent.keywords[:8]})
        if found:
            eligible.append((patent, found[1]))
    records += [{"id": p.id, "name": p.title, "text": p.abstract, "tags": p.keywords, "fields": [p.discipline]}
                for p in load_papers()]
    chosen = random.Random(SEED).sample(eligible, min(QUERIES_PER_SET, len(eligible)))
    queries = [{"id": f"q{p.id}", "text": need} for p, need in chosen]
    write_set(root / "patent-need", records, queries, [(f"q{p.id}", p.id, 2) for p, _ in chosen])
