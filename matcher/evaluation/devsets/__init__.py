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
  among 10,051 names and titles, the two sharing under half their characters), and
  ``jobs-talent`` (the same postings with their skill tags asking internship → talent for
  students who want their occupation) and ``talent-jobs`` (the other way: such a student asks
  talent → internship for the postings of their occupation).
- Patents (:mod:`.patents`): ``patent-need`` (the problem a patent solves, as a need → the
  patent, among 3,720 patents and 2,000 papers).
- People (:mod:`.people`): ``person-expert`` (a held-out title of a person → that person, among
  profiles built from their other titles; through need → experts), and ``person-two-pools``
  (the same, every second person a teacher: need → experts ranks both pools at once).
"""

from __future__ import annotations

from pathlib import Path

from matcher.evaluation.devsets.common import EVAL_DIR


def build_all(root: Path = EVAL_DIR) -> list[Path]:
    from matcher.evaluation.devsets import csco, csl, patents, people

    csl.build_csl_sets(root)
    csl.build_need_title_set(root)
    csco.build_csco_set(root)
    csco.build_jobs_taxonomy_set(root)
    csco.build_jobs_talent_set(root)
    csco.build_talent_jobs_set(root)
    csco.build_alias_set(root)
    patents.build_patent_need_set(root)
    people.build_person_set(root)
    return sorted(p for p in root.iterdir() if p.is_dir())


__all__ = ["EVAL_DIR", "build_all"]
