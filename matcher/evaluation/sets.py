"""Labelled sets in the ``chanjiao eval`` format: read and check them, and write their records
into a database as the pool records they stand for.

``records.jsonl``: one JSON object per line with ``id`` and at least one of ``text``, ``name``,
``title``; optional ``pool`` (achievement — the default —, expert, teacher, project, talent,
internship; Chinese names too), ``organization``, ``fields``, ``tags``, ``region``.
``queries.jsonl``: ``id``, ``text``, optional ``fields``, ``tags``, ``region``. A set of talents
is asked by internships and a set of internships by talents (two-sided directions, which only a
stored record can ask): each query is written as an unpublished record of the asking pool.
``qrels.tsv``: TREC lines ``qid 0 docid grade``. Every problem is one Chinese line naming the
file and the line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import AchievementKind, EducationLevel, JobKind, OrgKind, ProjectKind, Status, TeacherKind
from data.keys import natural_key
from data.models import Achievement, Expert, Internship, Organization, PoolRecord, Project, Talent, Teacher
from data.pools import Pool
from data.reference.regions import resolve_region
from matcher.directions import internship_talents, need_achievements, need_experts, person_projects, talent_internships

# The pools a set's records may be, and the direction that ranks them for a free-text need.
DIRECTION_OF: dict[Pool, str] = {
    Pool.ACHIEVEMENT: need_achievements.DIRECTION.key,
    Pool.EXPERT: need_experts.DIRECTION.key,
    Pool.TEACHER: need_experts.DIRECTION.key,
    Pool.PROJECT: person_projects.FOR_EXPERT.key,
    Pool.TALENT: internship_talents.DIRECTION.key,
    Pool.INTERNSHIP: talent_internships.DIRECTION.key,
}
# A two-sided direction is asked by a stored record: the pool each query is written as.
ASKED_BY: dict[Pool, Pool] = {Pool.TALENT: Pool.INTERNSHIP, Pool.INTERNSHIP: Pool.TALENT}
NAME_MAX = 200
DEFAULT_ORG = "评测数据"
ASKING_ORG, ASKING_ORG_KEY = "评测提问方", "eval:asking"


class EvalSetError(ValueError):
    """A malformed evaluation file; the message names the file and line, in Chinese."""


@dataclass
class EvalSet:
    records: list[dict[str, Any]]
    queries: list[dict[str, Any]]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def pools(self) -> list[Pool]:
        return list(dict.fromkeys(r["pool"] for r in self.records))

    @property
    def direction(self) -> str:
        return DIRECTION_OF[self.pools[0]] if self.records else need_achievements.DIRECTION.key


def _text_list(value: Any) -> bool:
    return value is None or isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value))


def _check(row: Any, where: str, is_record: bool) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise EvalSetError(f"{where}: 每行应为一个 JSON 对象")
    if not isinstance(row.get("id"), (str, int)) or isinstance(row.get("id"), bool) or str(row["id"]).strip() == "":
        raise EvalSetError(f"{where} 「id」: 必填，应为非空的文字或数字")
    for key in ("text", "name", "title", "organization", "region"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise EvalSetError(f"{where} 「{key}」: 应为文字")
    for key in ("fields", "tags"):
        if not _text_list(row.get(key)):
            raise EvalSetError(f"{where} 「{key}」: 应为文字或文字列表")
    has_text = any(str(row.get(k) or "").strip() for k in ("text", "name", "title"))
    if not has_text:
        wanted = "「text」、「name」或「title」至少填一项" if is_record else "必填，不能为空"
        raise EvalSetError(f"{where} {'' if is_record else '「text」: '}{wanted}")
    if not is_record and not str(row.get("text") or "").strip():
        raise EvalSetError(f"{where} 「text」: 必填，不能为空")
    if is_record:
        try:
            pool = Pool.parse(str(row.get("pool") or Pool.ACHIEVEMENT.value))
        except ValueError:
            pool = None
        if pool not in DIRECTION_OF:
            allowed = "、".join(p.value for p in DIRECTION_OF)
            raise EvalSetError(f"{where} 「pool」: 不支持「{row.get('pool')}」，可选：{allowed}")
        row["pool"] = pool
    row["id"] = str(row["id"]).strip()
    return row


def _lines(path: Path) -> list[str]:
    """The file's lines as JSON Lines and TSV count them: split at line ends only (CRLF reads
    as LF). A record's text may hold a line or paragraph separator (U+2028, U+2029, U+0085),
    which JSON keeps raw inside a string and :meth:`str.splitlines` would break the line at."""
    return path.read_text(encoding="utf-8").split("\n")


def _read_jsonl(path: Path, is_record: bool) -> list[dict[str, Any]]:
    if not path.exists():
        raise EvalSetError(f"缺少文件 {path}")
    rows, seen = [], set()
    try:
        lines = _lines(path)
    except UnicodeDecodeError as exc:
        raise EvalSetError(f"{path.name}: 不是 UTF-8 编码的文本文件") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{path.name} 第{n}行: 不是合法的 JSON（{exc.msg}）") from exc
        row = _check(raw, f"{path.name} 第{n}行", is_record)
        if row["id"] in seen:
            raise EvalSetError(f"{path.name} 第{n}行 「id」: 与前面的记录重复（{row['id']}）")
        seen.add(row["id"])
        rows.append(row)
    return rows


def load_set(folder: Path) -> EvalSet:
    records = _read_jsonl(folder / "records.jsonl", True)
    queries = _read_jsonl(folder / "queries.jsonl", False)
    directions = {DIRECTION_OF[r["pool"]] for r in records}
    if len(directions) > 1:
        raise EvalSetError("records.jsonl: 记录分属不同的推荐方向（如成果与专家），请拆成两个评测集")
    record_ids, query_ids = {r["id"] for r in records}, {q["id"] for q in queries}
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    path = folder / "qrels.tsv"
    if not path.exists():
        raise EvalSetError(f"缺少文件 {path}")
    try:
        qrel_lines = _lines(path)
    except UnicodeDecodeError as exc:
        raise EvalSetError("qrels.tsv: 不是 UTF-8 编码的文本文件") from exc
    for n, line in enumerate(qrel_lines, start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not parts[3].lstrip("-").isascii() or not parts[3].lstrip("-").isdigit():
            raise EvalSetError(f"qrels.tsv 第{n}行: 应为「查询id 0 记录id 等级」四列，等级为整数")
        if parts[0] not in query_ids:
            raise EvalSetError(f"qrels.tsv 第{n}行: 查询「{parts[0]}」不在 queries.jsonl 中")
        if parts[2] not in record_ids:
            raise EvalSetError(f"qrels.tsv 第{n}行: 记录「{parts[2]}」不在 records.jsonl 中")
        qrels[parts[0]][parts[2]] = int(parts[3])
    return EvalSet(records, queries, dict(qrels))


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def region_of(value: Any) -> str | None:
    if not value:
        return None
    try:
        return resolve_region(str(value))
    except ValueError:
        return None


def _record(pool: Pool, r: dict[str, Any], owner: int) -> PoolRecord:
    fields = as_list(r.get("fields"))
    common = dict(name=str(r.get("name") or r.get("title") or "")[:NAME_MAX], description=str(r.get("text") or ""),
                  field=(fields[0][:50] if fields else None), region_code=region_of(r.get("region")),
                  owner_org_id=owner, natural_key=f"ext:{r['id']}", source_id=str(r["id"])[:100], source="eval")
    tags = as_list(r.get("tags"))
    discipline = fields[1][:50] if len(fields) > 1 else None
    if pool is Pool.EXPERT:
        return Expert(research_areas=tags, discipline=discipline, **common)
    if pool is Pool.TEACHER:
        return Teacher(skills=tags, teacher_kind=TeacherKind.FULL_TIME, **common)
    if pool is Pool.PROJECT:
        return Project(skills=tags, project_kind=ProjectKind.TECH_PROBLEM, **common)
    if pool is Pool.TALENT:  # a student: the title is the role they want, the fields their major
        return Talent(major=(fields[-1] if fields else "")[:100], level=EducationLevel.BACHELOR, skills=tags,
                      expected_role=str(r.get("title") or "")[:100] or None, **common)
    if pool is Pool.INTERNSHIP:
        return Internship(job_kind=JobKind.INTERNSHIP, skills=tags, majors=fields[1:], **common)
    return Achievement(tags=tags, discipline=discipline, achievement_kind=AchievementKind.TECHNOLOGY, **common)


def store_query_record(session: Session, pool: Pool, row: dict[str, Any]) -> PoolRecord:
    """A query of a two-sided set written as an unpublished record of ``pool`` (the pool that
    asks), of its own organization so that no conflict-of-interest rule drops an answer."""
    org = session.scalar(select(Organization).where(Organization.natural_key == ASKING_ORG_KEY))
    if org is None:
        org = Organization(name=ASKING_ORG, kind=OrgKind.ENTERPRISE, natural_key=ASKING_ORG_KEY, source="eval")
        session.add(org)
        session.flush()
    text = str(row["text"])
    # The query is the record's name (a post's title, a student's headline); a longer one is its description too.
    record = _record(pool, {**row, "name": text, "text": text if len(text) > NAME_MAX else ""}, org.id)
    record.status, record.natural_key, record.source_id = Status.DRAFT, f"eval-query:{row['id']}"[:300], None
    session.add(record)
    session.flush()
    return record


def store_records(session: Session, records: list[dict[str, Any]]) -> dict[tuple[Pool, int], str]:
    """Write evaluation records as published records of their pools; returns (pool, record id)
    → set id. Organization names that differ only in width, spaces or case are one
    organization (the first spelling met)."""
    orgs: dict[str, Organization] = {}
    for name in (str(r.get("organization") or DEFAULT_ORG) for r in records):
        key = natural_key(name, None, None)
        if key not in orgs:
            orgs[key] = Organization(name=name[:NAME_MAX], kind=OrgKind.INSTITUTE, natural_key=key, source="eval")
            session.add(orgs[key])
    session.flush()
    rows = [(_record(r["pool"], r, orgs[natural_key(str(r.get("organization") or DEFAULT_ORG), None, None)].id), r)
            for r in records]
    session.add_all(row for row, _ in rows)
    session.flush()
    return {(r["pool"], row.id): str(r["id"]) for row, r in rows}
