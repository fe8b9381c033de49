"""Dev sets from the CSCO-2022 occupations and the real job postings (see the package docstring)."""

from __future__ import annotations

import csv
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from data.settings import SEED_DIR
from indexer.analyzer import get_analyzer
from matcher.evaluation.devsets.common import EVAL_DIR, QUERIES_PER_SET, SEED, write_set


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
    queries: list[dict[str, Any]] = []
    rels: list[tuple[str, str, int]] = []
    for r in chosen:
        name = re.sub(r"[A-Z]+$", "", r["name"])
        aliases = [a for a in r["alias"].split(",") if a and a != r["name"] and a != name]
        text = f"招聘{name}" + (f"（{aliases[0]}）" if aliases else "")
        queries.append({"id": f"j{r['code']}", "text": text, "fields": [majors.get(r["code"][0], "其他")]})
        rels.extend((f"j{r['code']}", code, 2 if code == r["code"] else 1) for code in by_group[r["code"][:7]])
    write_set(root / "csco-jobs", records, queries, rels)

    # TF-IDF over the occupations' tasks, with the product's own analyzer.
    analyzer = get_analyzer()
    tasks = {r["code"]: analyzer.tokens(r["tasks"]) for r in rows}
    df = Counter(t for tokens in tasks.values() for t in set(tokens))

    def keywords(tokens: list[str]) -> list[str]:
        tf = Counter(t for t in tokens if len(t) >= 2 and not t.isdigit())
        weight = {t: n * math.log(len(tasks) / df[t]) for t, n in tf.items()}
        return sorted(weight, key=lambda t: (-weight[t], t))[:4]

    skill_q: list[dict[str, Any]] = []
    skill_rels: list[tuple[str, str, int]] = []
    for r in chosen:
        skill_q.append({"id": f"s{r['code']}", "text": " ".join(keywords(tasks[r["code"]]))})
        skill_rels.extend((f"s{r['code']}", code, 2 if code == r["code"] else 1) for code in by_group[r["code"][:7]])
    write_set(root / "csco-skills", records, skill_q, skill_rels)



# -- a real posting's title → its occupation -----------------------------------------------

def _occupation_name(name: str) -> str:
    return re.sub(r"[A-Z]+$", "", name)  # the list marks some names with S, L, …


def _parent(code: str, codes: set[str]) -> str | None:
    """The nearest broader entry of the taxonomy: the small category (x-xx-xx-00), else the
    medium one (x-xx-00-00)."""
    for parent in (code[:7] + "-00", code[:4] + "-00-00"):
        if parent != code and parent in codes:
            return parent
    return None


def build_jobs_taxonomy_set(root: Path = EVAL_DIR) -> None:
    """``jobs-taxonomy``: the title of a real posting as its employer wrote it (codes, brackets,
    slashes; a third prefixed with the company's name and 招聘, a third with 招聘 — how people
    type it into a search box) finds its occupation (2) and that occupation's parent category
    (1) among every entry of the national taxonomy (2,051, categories with a name only). The
    label is the job site's own category of the posting, where that category is one of the
    names or aliases the taxonomy lists for exactly one occupation (647 of the 814 postings)."""
    rows, seen = [], set()
    with (SEED_DIR / "csco22.csv").open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            if raw["code"] not in seen:
                seen.add(raw["code"])
                rows.append(raw)
    majors = {r["code"][0]: r["name"] for r in rows if r["level"] == "1"}
    records = []
    for r in rows:
        text = f"{r['definition']}主要工作任务：{r['tasks']}" if r["definition"] else ""
        records.append({"id": r["code"], "name": _occupation_name(r["name"]), "text": text,
                        "fields": [majors.get(r["code"][0], "其他")]})
    codes = {r["code"] for r in rows}
    named: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["level"] == "4":
            for name in [_occupation_name(r["name"]), *r["alias"].split(",")]:
                if name.strip():
                    named[name.strip().lower()].add(r["code"])
    queries, rels = [], []
    with (SEED_DIR / "zhaopin_wuhan_814.csv").open(encoding="utf-8") as fh:
        for n, post in enumerate(csv.DictReader(fh)):
            found = named.get(post["岗位分类"].strip().lower(), set())
            if len(found) != 1:
                continue
            code = next(iter(found))
            title = post["岗位名称"].strip()
            text = (title, f"{post['企业名称']}招聘{title}", f"招聘{title}")[n % 3]
            qid = post["id"]
            queries.append({"id": qid, "text": text})
            rels.append((qid, code, 2))
            parent = _parent(code, codes)
            if parent is not None:
                rels.append((qid, parent, 1))
    write_set(root / "jobs-taxonomy", records, queries, rels)


# -- a real posting → students who want its occupation (internship → talent) -----------------

def _talent_records() -> list[dict[str, Any]]:
    """One student per occupation of the taxonomy (1,624) who wants that occupation (their
    expected role), studied its small category and lists its tasks' four TF-IDF keywords as
    skills; the id is the occupation's code."""
    rows, seen = [], set()
    names: dict[str, str] = {}
    with (SEED_DIR / "csco22.csv").open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            names.setdefault(raw["code"], raw["name"])
            if raw["level"] == "4" and raw["definition"] and raw["tasks"] and raw["code"] not in seen:
                seen.add(raw["code"])
                rows.append(raw)
    analyzer = get_analyzer()
    tasks = {r["code"]: analyzer.tokens(r["tasks"]) for r in rows}
    df = Counter(t for tokens in tasks.values() for t in set(tokens))

    def keywords(tokens: list[str]) -> list[str]:
        tf = Counter(t for t in tokens if len(t) >= 2 and not t.isdigit())
        weight = {t: n * math.log(len(tasks) / df[t]) for t, n in tf.items()}
        return sorted(weight, key=lambda t: (-weight[t], t))[:4]

    records = []
    for n, r in enumerate(rows):
        small_code = r["code"][:7] + "-00" if r["code"][:7] + "-00" != r["code"] else r["code"][:4] + "-00-00"
        small = _occupation_name(names.get(small_code, ""))
        records.append({"id": r["code"], "pool": "talent", "name": f"学生{n:04d}", "title": _occupation_name(r["name"]),
                        "tags": keywords(tasks[r["code"]]), "fields": [names.get(r["code"][0] + "-00-00-00", "其他"), small],
                        "aliases": [_occupation_name(r["name"]), *r["alias"].split(",")]})
    return records


def _labelled_postings(codes: dict[str, list[str]]) -> Iterator[tuple[dict[str, str], str | None]]:
    """Every real posting with its occupation among ``codes``: the job site's own category,
    where it is a name or alias of exactly one of them (else None)."""
    named: dict[str, set[str]] = defaultdict(set)
    for code, aliases in codes.items():
        for name in aliases:
            if name.strip():
                named[name.strip().lower()].add(code)
    with (SEED_DIR / "zhaopin_wuhan_814.csv").open(encoding="utf-8") as fh:
        for post in csv.DictReader(fh):
            found = named.get(post["岗位分类"].strip().lower(), set())
            yield post, (next(iter(found)) if len(found) == 1 else None)


def build_jobs_talent_set(root: Path = EVAL_DIR) -> None:
    """``jobs-talent``: a real posting as its employer wrote it — its title and its own skill
    tags — asks internship → talent for students: one student per occupation of the taxonomy
    (:func:`_talent_records`). The posting's occupation, by the job site's own category as in
    ``jobs-taxonomy``, is the answer (2); students wanting another occupation of its small
    category are near (1)."""
    records = _talent_records()
    by_group: dict[str, list[str]] = defaultdict(list)
    for r in records:
        by_group[r["id"][:7]].append(r["id"])
    queries: list[dict[str, Any]] = []
    rels: list[tuple[str, str, int]] = []
    for post, code in _labelled_postings({r["id"]: r.pop("aliases") for r in records}):
        if code is None:
            continue
        tags = [t.strip() for t in post["岗位标签"].split(";") if t.strip()]
        queries.append({"id": post["id"], "text": post["岗位名称"].strip(), "tags": tags})
        rels.extend((post["id"], other, 2 if other == code else 1) for other in by_group[code[:7]])
    write_set(root / "jobs-talent", records, queries, rels)


# -- a student → real postings of the occupation they want (talent → internship) -------------

def build_talent_jobs_set(root: Path = EVAL_DIR) -> None:
    """``talent-jobs``, ``jobs-talent`` the other way round: a student who wants an occupation
    (expected role, studied its small category, its tasks' four TF-IDF keywords as skills)
    asks talent → internship among the real postings (all 814: title, description and skill
    tags as the employer wrote them). The postings the job site filed under that occupation
    are the answer (2), those filed under another occupation of its small category are near
    (1). One student per occupation of a small category that has a labelled posting (217: the
    postings are filed under 46 occupations of 37 small categories, so most students find only
    near posts)."""
    students = {r["id"]: r for r in _talent_records()}
    aliases = {code: r.pop("aliases") for code, r in students.items()}
    by_group: dict[str, list[str]] = defaultdict(list)
    for code in students:
        by_group[code[:7]].append(code)
    records: list[dict[str, Any]] = []
    filed: dict[str, list[str]] = defaultdict(list)
    for post, code in _labelled_postings(aliases):
        tags = [t.strip() for t in post["岗位标签"].split(";") if t.strip()]
        records.append({"id": post["id"], "pool": "internship", "name": post["岗位名称"].strip(),
                        "text": post["工作简介"].strip(), "tags": tags, "region": post["城市"].strip() or None})
        if code is not None:
            filed[code].append(post["id"])
    queries: list[dict[str, Any]] = []
    rels: list[tuple[str, str, int]] = []
    asked = {code[:7] for code in filed}
    for code in sorted(c for c in students if c[:7] in asked):
        student = students[code]
        qid = f"t{code}"
        queries.append({"id": qid, "text": student["title"], "title": student["title"], "tags": student["tags"],
                        "fields": student["fields"]})
        rels.extend((qid, posting, 2 if other == code else 1)
                    for other in by_group[code[:7]] for posting in filed.get(other, []))
    write_set(root / "talent-jobs", records, queries, rels)


# -- an occupation's other name → its name in the taxonomy -----------------------------------

ALIAS_MAX_OVERLAP = 0.5


def build_alias_set(root: Path = EVAL_DIR) -> None:
    """``csco-alias``: a name people use for an occupation — a job-site title, an
    abbreviation, English (「GIS工程师」, 「SLAM算法」, 「CTO」, 「夹具工程师」) — finds the
    occupation's name in the national taxonomy (2) and its parent category (1): short title
    → short title, the two sharing under half the name's characters. Records have a name only:
    every taxonomy entry (2,051) and the 8,000 CSL titles without abstracts, which no query
    asks for. Only names the taxonomy gives to exactly one occupation are asked."""
    from matcher.evaluation.devsets.common import char_overlap
    from matcher.evaluation.devsets.csl import load_titles

    rows, seen = [], set()
    with (SEED_DIR / "csco22.csv").open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            if raw["code"] not in seen:
                seen.add(raw["code"])
                rows.append(raw)
    majors = {r["code"][0]: r["name"] for r in rows if r["level"] == "1"}
    records = [{"id": r["code"], "name": _occupation_name(r["name"]).rstrip("/"), "text": "",
                "fields": [majors.get(r["code"][0], "其他")]} for r in rows]
    records += [{"id": i, "name": t, "text": "", "fields": [c]} for i, t, c in load_titles()]
    owners: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["level"] == "4":
            for alias in r["alias"].split(","):
                if alias.strip():
                    owners[alias.strip()].add(r["code"])
    names = {r["code"]: _occupation_name(r["name"]).rstrip("/") for r in rows}
    codes = set(names)
    eligible = sorted((alias, next(iter(found))) for alias, found in owners.items()
                      if len(found) == 1 and alias != names[next(iter(found))]
                      and char_overlap(alias, names[next(iter(found))]) < ALIAS_MAX_OVERLAP)
    chosen = random.Random(SEED).sample(eligible, min(QUERIES_PER_SET, len(eligible)))
    queries, rels = [], []
    for n, (alias, code) in enumerate(chosen):
        qid = f"a{n:04d}"
        queries.append({"id": qid, "text": alias})
        rels.append((qid, code, 2))
        parent = _parent(code, codes)
        if parent is not None:
            rels.append((qid, parent, 1))
    write_set(root / "csco-alias", records, queries, rels)
