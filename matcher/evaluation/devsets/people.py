"""A person-finding dev set (see the package docstring).

The shipped sources name no authors or inventors, so a "person" is what the data itself
groups: the papers of one discipline, or the patents, that share one indexing keyword (3–6
items; each item belongs to one person). A real expert's work is held together the same way —
by a theme, not by identical words in the titles. The keyword itself is never shown: a profile
lists only the person's other titles and discipline, as an expert record does.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from matcher.evaluation.devsets.common import EVAL_DIR, QUERIES_PER_SET, SEED, write_set
from matcher.evaluation.devsets.csl import load_papers, load_titles
from matcher.evaluation.devsets.patents import load_patents, patent_name

T = TypeVar("T")
GROUP_MIN, GROUP_MAX = 3, 6
FILLER_MIN, FILLER_MAX = 2, 5


def group_by_key(items: Sequence[T], keys: Callable[[T], Sequence[str]], low: int, high: int) -> list[list[int]]:
    """Groups of ``low``–``high`` items sharing one key, rarest keys first, each item in one
    group at most (deterministic: keys in order of size, then text)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(items):
        for key in dict.fromkeys(keys(item)):
            by_key[key].append(n)
    used: set[int] = set()
    groups = []
    for key in sorted(by_key, key=lambda k: (len(by_key[k]), k)):
        free = [n for n in by_key[key] if n not in used]
        if low <= len(free) <= high:
            groups.append(free)
            used.update(free)
    return groups


def _bigrams(title: str) -> list[str]:
    """A title's CJK character pairs: what groups the fillers (not the analyzer, whose changes
    would reshuffle the set)."""
    return [title[i : i + 2] for i in range(len(title) - 1) if all("\u4e00" <= c <= "\u9fff" for c in title[i : i + 2])]


def _profile(pid: str, titles: list[str], fields: list[str]) -> dict[str, Any]:
    return {"id": pid, "pool": "expert", "name": f"研究人员{pid[1:]}", "text": "；".join(titles), "fields": fields}


def build_person_set(root: Path = EVAL_DIR) -> None:
    """``person-expert``: one held-out title of a person finds that person (2) among every
    profile — the people of the papers and of the patents, and as many again built the same
    way from the 8,000 titles without keywords (grouped by a shared character pair), who are
    never the answer. Records have ``pool: expert``, so the set runs through need → experts;
    ``person-two-pools`` is the same set with every second profile a teacher."""
    rng = random.Random(SEED)
    papers, patents = load_papers(), load_patents()
    people: list[tuple[list[str], list[str]]] = []  # (titles, fields)
    for group in group_by_key(papers, lambda p: [f"{p.discipline}/{k}" for k in p.keywords if len(k) >= 2],
                              GROUP_MIN, GROUP_MAX):
        people.append(([papers[n].title for n in group], [papers[group[0]].category, papers[group[0]].discipline]))
    for group in group_by_key(patents, lambda p: p.keywords, GROUP_MIN, GROUP_MAX):
        people.append(([patent_name(patents[n]) for n in group], []))
    records, queries, rels = [], [], []
    asked = set(rng.sample(range(len(people)), min(QUERIES_PER_SET, len(people))))
    for n, (titles, fields) in enumerate(people):
        pid = f"p{n:05d}"
        if n in asked:
            held = rng.randrange(len(titles))
            queries.append({"id": f"q{pid}", "text": titles[held]})
            rels.append((f"q{pid}", pid, 2))
            titles = titles[:held] + titles[held + 1:]
        records.append(_profile(pid, titles, fields))
    others = load_titles()
    for m, group in enumerate(group_by_key(others, lambda t: _bigrams(t[1]), FILLER_MIN, FILLER_MAX)):
        records.append(_profile(f"f{m:05d}", [others[n][1] for n in group], [others[group[0]][2]]))
    write_set(root / "person-expert", records, queries, rels)
    # ``person-two-pools``: the same people, every second one a teacher (师资库) — need → experts
    # ranks both pools at once, and a person must not rank higher or lower for the pool they are in.
    write_set(root / "person-two-pools", [{**r, "pool": "teacher"} if n % 2 else r for n, r in enumerate(records)],
              queries, rels)
