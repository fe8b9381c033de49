"""Likely duplicates in a pool (the same person twice, near-identical needs), and merging them.

Finding compares records inside small blocks, so it stays fast on large pools: people by
normalized name, phone and e-mail; other records by owner organization and by normalized
name; organizations by credit code and by name without the legal-form suffix. Each pair comes
with the reasons in Chinese and a confidence used for ordering.

Merging keeps one record, fills its empty fields from the other, unions list fields, moves
every reference (feedback, applications, proposals, accounts, owned records) to it, writes
both records' values to the audit log, and deletes the other; what was not moved (its contact
grants, reviews, held edits: given for that record's content) is deleted with it
(``data.models.dependents``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from data.audit import audit
from data.editing import form_values
from data.enums import AuditAction, RevisionStatus
from data.errors import FieldError
from data.keys import normalize_name
from data.models import (MODELS, Application, Feedback, Organization, PoolRecord, PracticeProposal, Revision, User)
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
    same_org = getattr(a, "owner_org_id", None) is not None and a.owner_org_id == b.owner_org_id  # type: ignore[attr-defined]
    name = similarity(a.name, b.name)
    if pool is Pool.ORGANIZATION:
        if a.credit_code and a.credit_code == b.credit_code:  # type: ignore[attr-defined]
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
        if pool is Pool.ORGANIZATION:
            keys["o:" + _ORG_SUFFIX.sub("", normalize_name(r.name))[:4]].append(r)
            if r.credit_code:  # type: ignore[attr-defined]
                keys["c:" + r.credit_code].append(r)  # type: ignore[attr-defined]
        elif pool in _PEOPLE:
            for attr in ("phone", "email"):
                if getattr(r, attr, None):
                    keys[f"{attr}:{getattr(r, attr)}"].append(r)
        else:
            keys[f"org:{r.owner_org_id}"].append(r)  # type: ignore[attr-defined]
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


def merge(session: Session, pool: Pool, keep_id: int, drop_id: int, actor: User | None) -> PoolRecord:
    """Merge ``drop_id`` into ``keep_id`` (see the module docstring); one transaction, audited."""
    model = MODELS[pool]
    keep, drop = session.get(model, keep_id), session.get(model, drop_id)
    if keep is None or drop is None or keep_id == drop_id:
        raise MergeError("id", f"请选择{pool.label}中两条不同的、存在的记录进行合并")
    before = {"保留": form_values(pool, keep), "合并": form_values(pool, drop)}
    for column in model.__table__.columns:
        attr = column.key
        if attr in ("id", "natural_key", "created_at", "updated_at", "source", "source_id", "status", "user_id"):
            continue
        mine, theirs = getattr(keep, attr), getattr(drop, attr)
        if attr in _LIST_ATTRS:
            setattr(keep, attr, list(dict.fromkeys([*(mine or []), *(theirs or [])])))
        elif (mine is None or mine == "") and theirs not in (None, ""):
            setattr(keep, attr, theirs)
    if getattr(keep, "user_id", None) is None and getattr(drop, "user_id", None) is not None:
        account, drop.user_id = drop.user_id, None  # type: ignore[attr-defined]
        session.flush()  # the account link is unique: release it before moving it
        keep.user_id = account  # type: ignore[attr-defined]
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
            if model is not Organization:
                session.execute(update(model).where(model.owner_org_id == drop_id).values(owner_org_id=keep_id))
        session.execute(update(User).where(User.org_id == drop_id).values(org_id=keep_id))
        session.execute(update(PracticeProposal).where(PracticeProposal.enterprise_id == drop_id)
                        .values(enterprise_id=keep_id))
    session.expire_all()


def _move_applications(session: Session, moving, other, keep_id: int, drop_id: int) -> None:  # type: ignore[no-untyped-def]
    """Move applications to the kept record, dropping those it already has for the same counterpart."""
    taken = select(other).where(moving == keep_id)
    session.execute(delete(Application).where(moving == drop_id, other.in_(taken)))
    session.execute(update(Application).where(moving == drop_id).values({moving: keep_id}))
