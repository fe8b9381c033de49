"""Likely duplicates in a pool (the same person twice, near-identical needs), and merging them.

Finding compares records inside small blocks, so it stays fast on large pools: people by
normalized name, phone and e-mail; other records by owner organization and by normalized
name; organizations by credit code and by name without the legal-form suffix. Each pair comes
with the reasons in Chinese and a confidence used for ordering.

Merging keeps one record, fills its empty fields from the other, unions list fields, moves
every reference (feedback, applications, proposals, accounts, owned records) to it, writes
to the audit log everything a restore needs (both records' every column, the ids of the rows
moved, the rows deleted), and deletes the other; what was not moved (its contact
grants, reviews, held edits: given for that record's content) is deleted with it
(``data.models.dependents``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from data.enums import AuditAction, RevisionStatus
from data.errors import FieldError
from data.keys import normalize_name
from data.sheets.columns import Kind, columns_of
from data.sheets.exporter import format_value
from data.workflows.audit import audit, jsonable
from data.workflows.records import form_values
from data.models import (MODELS, Application, ContactRequest, Feedback, Organization, OwnedRecord, PersonRecord, PoolRecord,
                         PracticeProposal, Review, Revision, User)
from data.pools import Pool

_PEOPLE = (Pool.EXPERT, Pool.TEACHER, Pool.TALENT)
_ORG_SUFFIX = re.compile(r"(股份)?有限(责任)?公司$|集团$|公司$")
_LIST_ATTRS = ("tags", "research_areas", "skills", "courses", "certificates", "industries", "majors", "inventors")
MAX_BLOCK = 200  # a block larger than this (a very common name) is compared only by stronger keys


class MergeError(FieldError):
    pass


@dataclass
class DuplicatePair:
    pool: Pool
    first: PoolRecord
    second: PoolRecord
    confidence: float  # 0–1
    reasons: list[str]


@lru_cache(maxsize=20_000)
def _grams(text: str, n: int) -> frozenset[str]:
    text = normalize_name(text)
    return frozenset(text[i:i + n] for i in range(max(1, len(text) - n + 1))) if text else frozenset()


def similarity(a: str, b: str, n: int = 2) -> float:
    """Jaccard similarity of character n-grams (0–1); empty texts are not similar."""
    ga, gb = _grams(a, n), _grams(b, n)
    return len(ga & gb) / len(ga | gb) if ga and gb else 0.0


def _areas(record: PoolRecord) -> set[str]:
    return {normalize_name(x) for attr in _LIST_ATTRS for x in (getattr(record, attr, None) or [])}


def _compare(pool: Pool, a: PoolRecord, b: PoolRecord) -> tuple[float, list[str]]:
    reasons: list[str] = []
    score = 0.0
    same_org = (isinstance(a, OwnedRecord) and isinstance(b, OwnedRecord)
                and a.owner_org_id is not None and a.owner_org_id == b.owner_org_id)
    name = similarity(a.name, b.name)
    if isinstance(a, Organization) and isinstance(b, Organization):
        if a.credit_code and a.credit_code == b.credit_code:
            score, reasons = 1.0, ["统一社会信用代码相同"]
        core = similarity(_ORG_SUFFIX.sub("", normalize_name(a.name)), _ORG_SUFFIX.sub("", normalize_name(b.name)))
        if core >= 0.8:
            score = max(score, 0.5 + 0.4 * core)
            reasons.append(f"名称（去掉公司后缀）相似度 {round(core * 100)}%")
        return score, reasons
    if pool in _PEOPLE:
        for attr, label in (("phone", "手机号"), ("email", "邮箱")):
            value = getattr(a, attr, None)
            if value and value == getattr(b, attr, None):
                score = max(score, 0.95)
                reasons.append(f"{label}相同")
        if normalize_name(a.name) == normalize_name(b.name):
            overlap = _areas(a) & _areas(b)
            if same_org:
                score = max(score, 0.9)
                reasons.append("姓名相同且同一单位")
            elif overlap:
                score = max(score, 0.6 + 0.1 * min(3, len(overlap)))
                reasons.append(f"姓名相同，方向重合：{'、'.join(sorted(overlap)[:3])}")
        return score, reasons
    if not same_org and pool is not Pool.ACHIEVEMENT:
        return 0.0, []  # two organizations posting the same text are two posts, not one
    text = similarity(a.description or "", b.description or "", 3)
    if name >= 0.7 and (same_org or text >= 0.8):
        score = max(score, 0.5 + 0.45 * name)
        reasons.append(f"名称相似度 {round(name * 100)}%" + ("，同一单位" if same_org else "，不同单位"))
    if text >= 0.8 and name >= 0.6:
        score = max(score, 0.5 + 0.45 * text)
        reasons.append(f"描述几乎相同（{round(text * 100)}%）")
    return score, reasons


def _blocks(pool: Pool, records: list[PoolRecord]) -> Iterable[list[PoolRecord]]:
    keys: dict[str, list[PoolRecord]] = defaultdict(list)
    for r in records:
        keys["n:" + normalize_name(r.name)].append(r)
        if isinstance(r, Organization):
            keys["o:" + _ORG_SUFFIX.sub("", normalize_name(r.name))[:4]].append(r)
            if r.credit_code:
                keys["c:" + r.credit_code].append(r)
        elif pool in _PEOPLE:
            for attr in ("phone", "email"):
                if getattr(r, attr, None):
                    keys[f"{attr}:{getattr(r, attr)}"].append(r)
        elif isinstance(r, OwnedRecord):
            keys[f"org:{r.owner_org_id}"].append(r)
    for block in keys.values():
        if 1 < len(block) <= MAX_BLOCK:
            yield block


def find_duplicates(session: Session, pool: Pool, threshold: float = 0.6, limit: int = 100) -> list[DuplicatePair]:
    """Likely duplicate pairs in ``pool``, most certain first (ties by ids)."""
    records = list(session.scalars(select(MODELS[pool]).order_by(MODELS[pool].id)))
    seen: set[tuple[int, int]] = set()
    pairs: list[DuplicatePair] = []
    for block in _blocks(pool, records):
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                key = (min(a.id, b.id), max(a.id, b.id))
                if key in seen:
                    continue
                seen.add(key)
                score, reasons = _compare(pool, a, b)
                if score >= threshold:
                    first, second = (a, b) if a.id < b.id else (b, a)
                    pairs.append(DuplicatePair(pool, first, second, round(score, 2), reasons))
    pairs.sort(key=lambda p: (-p.confidence, p.first.id, p.second.id))
    return pairs[:limit]


_FIXED = ("id", "natural_key", "created_at", "updated_at", "source", "source_id", "status", "user_id")


def merged_values(model: type[PoolRecord], keep: PoolRecord, drop: PoolRecord) -> dict[str, Any]:
    """The kept record's columns after a merge: its own values, its empty ones filled from the
    other, list columns united (in order, without repeats); identity and workflow columns stay."""
    values: dict[str, Any] = {}
    for column in model.__table__.columns:
        attr = column.key
        if attr in _FIXED:
            continue
        mine, theirs = getattr(keep, attr), getattr(drop, attr)
        if attr in _LIST_ATTRS:
            values[attr] = list(dict.fromkeys([*(mine or []), *(theirs or [])]))
        elif (mine is None or mine == "") and theirs not in (None, ""):
            values[attr] = theirs
        else:
            values[attr] = mine
    return values


@dataclass
class MergeField:
    header: str
    kept: str
    dropped: str
    result: str

    @property
    def changed(self) -> bool:
        return self.result != self.kept


@dataclass
class MergePlan:
    """What a merge will do, for the confirmation page: every column of both records and the result,
    what moves to the kept record and what goes with the other one."""

    pool: Pool
    keep: PoolRecord
    drop: PoolRecord
    fields: list[MergeField]
    moves: list[tuple[str, int]]  # (what, how many)
    removed: list[tuple[str, int]]


def _pair(session: Session, pool: Pool, keep_id: int, drop_id: int) -> tuple[PoolRecord, PoolRecord]:
    model = MODELS[pool]
    keep, drop = session.get(model, keep_id), session.get(model, drop_id)
    if keep is None or drop is None or keep_id == drop_id:
        raise MergeError("id", f"请选择{pool.label}中两条不同的、存在的记录进行合并")
    return keep, drop


def merge_plan(session: Session, pool: Pool, keep_id: int, drop_id: int) -> MergePlan:
    """The merge of ``drop_id`` into ``keep_id`` as it would happen, without changing anything."""
    keep, drop = _pair(session, pool, keep_id, drop_id)
    result = merged_values(MODELS[pool], keep, drop)
    kept, dropped = form_values(pool, keep), form_values(pool, drop)
    fields = []
    for column in columns_of(pool):
        if column.kind is Kind.ORG:
            text = kept[column.header]  # the kept record's organization stays
        else:
            value = result.get(column.attr, getattr(keep, column.attr))
            text = _text(format_value(column, value))
        fields.append(MergeField(column.header, kept[column.header], dropped[column.header], text))
    refs = _references(session, pool, keep_id, drop_id)
    moves = [(label, len(ids)) for label, ids in refs["moved"].items() if ids]
    removed = [(label, len(rows)) for label, rows in refs["removed"].items() if rows]
    return MergePlan(pool, keep, drop, fields, moves, removed)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raw(row: Any) -> dict[str, Any]:
    """Every column of a row as JSON can hold it (what a restore needs, not what a page shows)."""
    return jsonable({c.key: getattr(row, c.key) for c in row.__table__.columns})


def _references(session: Session, pool: Pool, keep_id: int, drop_id: int) -> dict[str, dict[str, list[Any]]]:
    """Rows a merge moves to the kept record (ids, by kind) and rows deleted with the dropped one
    (whole rows), read before anything changes."""
    moved: dict[str, list[Any]] = {}
    moved["反馈"] = list(session.scalars(select(Feedback.id).where(
        ((Feedback.source_pool == pool.value) & (Feedback.source_id == drop_id))
        | ((Feedback.target_pool == pool.value) & (Feedback.target_id == drop_id)))))
    removed: dict[str, list[Any]] = {}
    if pool in (Pool.TALENT, Pool.INTERNSHIP):
        mine, other = ((Application.talent_id, Application.internship_id) if pool is Pool.TALENT
                       else (Application.internship_id, Application.talent_id))
        taken = set(session.scalars(select(other).where(mine == keep_id)))
        apps = list(session.scalars(select(Application).where(mine == drop_id)))
        moved["实习申请"] = [a.id for a in apps if getattr(a, other.key) not in taken]
        removed["重复的实习申请"] = [_raw(a) for a in apps if getattr(a, other.key) in taken]
    if pool is Pool.TEACHER:
        moved["教师实践推荐"] = list(session.scalars(select(PracticeProposal.id).where(PracticeProposal.teacher_id == drop_id)))
    if pool is Pool.ORGANIZATION:
        for other_pool, model in MODELS.items():
            if issubclass(model, OwnedRecord):
                moved[f"{other_pool.label}记录"] = list(session.scalars(select(model.id).where(model.owner_org_id == drop_id)))
        moved["账号"] = list(session.scalars(select(User.id).where(User.org_id == drop_id)))
        moved["教师实践推荐"] = list(session.scalars(select(PracticeProposal.id)
                                               .where(PracticeProposal.enterprise_id == drop_id)))
    drop = session.get(MODELS[pool], drop_id)
    if isinstance(drop, PersonRecord) and drop.user_id is not None:
        moved["本人账号关联"] = [drop.user_id]
    removed["联系方式申请与授权"] = [_raw(r) for r in session.scalars(select(ContactRequest).where(
        ContactRequest.target_pool == pool.value, ContactRequest.target_id == drop_id))]
    removed["审核记录"] = [_raw(r) for r in session.scalars(select(Review).where(
        Review.pool == pool.value, Review.record_id == drop_id))]
    removed["修改申请"] = [_raw(r) for r in session.scalars(select(Revision).where(
        Revision.pool == pool.value, Revision.record_id == drop_id))]
    return {"moved": moved, "removed": removed}


def merge(session: Session, pool: Pool, keep_id: int, drop_id: int, actor: User | None) -> PoolRecord:
    """Merge ``drop_id`` into ``keep_id`` (see the module docstring); one transaction, audited.

    The audit entry keeps what a restore needs: both records' every column as they were, the ids
    of the rows moved to the kept record, and the rows deleted with the dropped one."""
    model = MODELS[pool]
    keep, drop = _pair(session, pool, keep_id, drop_id)
    refs = _references(session, pool, keep_id, drop_id)
    before = {"保留": form_values(pool, keep), "合并": form_values(pool, drop),
              "恢复所需": {"保留记录": _raw(keep), "合并记录": _raw(drop), "转移到保留记录": refs["moved"],
                       "随合并记录删除": refs["removed"]}}
    for attr, value in merged_values(model, keep, drop).items():
        if getattr(keep, attr) != value:
            setattr(keep, attr, value)
    if isinstance(keep, PersonRecord) and isinstance(drop, PersonRecord) and keep.user_id is None and drop.user_id is not None:
        account, drop.user_id = drop.user_id, None
        session.flush()  # the account link is unique: release it before moving it
        keep.user_id = account
    session.flush()
    _move_references(session, pool, keep_id, drop_id)
    session.delete(drop)
    session.flush()
    audit(session, actor, AuditAction.MERGE, pool.value, keep_id, f"将{pool.label}编号 {drop_id} 合并入编号 {keep_id}「{keep.name}」",
          before=before, after=form_values(pool, keep))
    return keep


def _move_references(session: Session, pool: Pool, keep_id: int, drop_id: int) -> None:
    for side in ("source", "target"):
        pool_col, id_col = getattr(Feedback, f"{side}_pool"), getattr(Feedback, f"{side}_id")
        session.execute(update(Feedback).where(pool_col == pool.value, id_col == drop_id).values({id_col: keep_id}))
    session.execute(update(Revision).where(Revision.pool == pool.value, Revision.record_id == drop_id,
                                           Revision.status == RevisionStatus.PENDING)
                    .values(status=RevisionStatus.SUPERSEDED, reason="记录已被合并"))
    if pool is Pool.TALENT:
        _move_applications(session, Application.talent_id, Application.internship_id, keep_id, drop_id)
    elif pool is Pool.INTERNSHIP:
        _move_applications(session, Application.internship_id, Application.talent_id, keep_id, drop_id)
    elif pool is Pool.TEACHER:
        session.execute(update(PracticeProposal).where(PracticeProposal.teacher_id == drop_id).values(teacher_id=keep_id))
    elif pool is Pool.ORGANIZATION:
        for model in MODELS.values():
            if issubclass(model, OwnedRecord):
                session.execute(update(model).where(model.owner_org_id == drop_id).values(owner_org_id=keep_id))
        session.execute(update(User).where(User.org_id == drop_id).values(org_id=keep_id))
        session.execute(update(PracticeProposal).where(PracticeProposal.enterprise_id == drop_id)
                        .values(enterprise_id=keep_id))
    session.expire_all()


def _move_applications(session: Session, moving: InstrumentedAttribute[int], other: InstrumentedAttribute[int],
                       keep_id: int, drop_id: int) -> None:
    """Move applications to the kept record, dropping those it already has for the same counterpart."""
    taken = select(other).where(moving == keep_id)
    session.execute(delete(Application).where(moving == drop_id, other.in_(taken)))
    session.execute(update(Application).where(moving == drop_id).values({moving: keep_id}))
