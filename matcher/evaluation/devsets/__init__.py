"""Build the labelled dev sets in ``data/eval/`` from the shipped public data.

Labels come from the data itself, never from judgement by hand. Each set: ``records.jsonl``,
``queries.jsonl``, ``qrels.tsv`` — the ``chanjiao eval`` format. The sets, by source:

- CSL papers (:mod:`.csl`): ``csl-title``, ``csl-keywords``, ``csl-discipline``,
  ``csl-keywords-discipline`` (2,000 papers, matched on shared keywords or discipline), and
  ``csl-need-title`` (a need-like first sentence of an abstract → its paper's title among
  10,000 titles, the two sharing under half their characters).
- CSCO occupations and real job postings (:mod:`.csco`): ``csco-jobs``, ``csco-skills``, and
  ``jobs-taxonomy`` (a real posting's title as employers write it → its occupation in the
  national taxonomy, by the site's own category), and ``csco-alias`` (another name of an
  occupation — a job-site title, an abbreviation, English — → its name in the taxonomy,
  among 10,051 names and titles, the two sharing under half their characters).
- Patents (:mod:`.patents`): ``patent-need`` (the problem a patent solves, as a need → the
  patent, among 3,720 patents and 2,000 papers).
- People (:mod:`.people`): ``person-expert`` (a held-out title of a person → that person, among
  profiles built from their other titles; through need → experts).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parents[3] / "data" / "eval"
QUERIES_PER_SET = 400
SEED = 11


def write_set(folder: Path, records: list[dict[str, Any]], queries: list[dict[str, Any]],
              qrels: list[tuple[str, str, int]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("records.jsonl", records), ("queries.jsonl", queries)):
        with (folder / name).open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with (folder / "qrels.tsv").open("w", encoding="utf-8") as fh:
        fh.writelines(f"{q}\t0\t{d}\t{g}\n" for q, d, g in qrels)


def char_overlap(query: str, target: str) -> float:
    """The share of ``target``'s distinct characters that ``query`` also has."""
    chars = set(target)
    return len(chars & set(query)) / len(chars) if chars else 0.0


def build_all(root: Path = EVAL_DIR) -> list[Path]:
    from matcher.evaluation.devsets import csco, csl, patents, people

    csl.build_csl_sets(root)
    csl.build_need_title_set(root)
    csco.build_csco_set(root)
    csco.build_jobs_taxonomy_set(root)
    csco.build_alias_set(root)
    patents.build_patent_need_set(root)
    people.build_person_set(root)
    return sorted(p for p in root.iterdir() if p.is_dir())


__all__ = ["EVAL_DIR", "QUERIES_PER_SET", "SEED", "build_all", "char_overlap", "write_set"]
