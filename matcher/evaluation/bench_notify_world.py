"""The alliance ``chanjiao bench notify`` runs the subscriptions' round on: the demo alliance
(all of it, or the first rows of each pool), its demo accounts and students who fill in their
own profiles, subscriptions spread over them through the subscription workflow, and demo rows
held back to be published afterwards — the new records a round tells of. Every held-back row
is a demo row, so its vectors come from the shipped seed cache like the rest of the demo's.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import good_standing
from data.demo import LOAD_ORDER, build_demo
from data.enums import Role, Status
from data.models import Organization, PoolRecord, Subscription, User
from data.pools import Pool
from data.reference.vocabulary import FIELD_BY_NAME, FIELDS, FieldInfo
from data.sheets.columns import Kind, columns_of
from data.sheets.importer import import_rows
from data.workflows import subscriptions
from data.workflows.accounts import DEMO_PASSWORD, create_user, ensure_demo_accounts
from data.workflows.notifications import set_preferences
from data.workflows.records import create_record, owned_records
from data.workflows.students import save_profile
from matcher.directions import directions_for

NEW_POOLS = (Pool.PROJECT, Pool.INTERNSHIP, Pool.ACHIEVEMENT)  # what the batch of new records is made of
SEARCH_SHARE = 0.4  # of a user's subscriptions, followed searches; the rest follow their own records
MIN_SCORES: tuple[float | None, ...] = (None, None, None, 40.0, 60.0)  # None: the default (50)
# Where each kind of user looks for partners by a followed search (None: every pool).
SEARCH_POOLS: dict[Role, tuple[Pool | None, ...]] = {
    Role.ENTERPRISE: (Pool.ACHIEVEMENT, Pool.EXPERT, Pool.TALENT, Pool.TEACHER, None),
    Role.COLLEGE: (Pool.PROJECT, Pool.INTERNSHIP, Pool.ORGANIZATION, None),
    Role.STUDENT: (Pool.INTERNSHIP, Pool.INTERNSHIP, None),
    Role.EXPERT: (Pool.PROJECT, Pool.PROJECT, None),
    Role.STAFF: (None, Pool.PROJECT, Pool.ACHIEVEMENT),
    Role.ADMIN: (None, Pool.PROJECT, Pool.ACHIEVEMENT),
}


class WorldError(ValueError):
    """The generated rows did not pass validation (a bug in the generator)."""


@dataclass
class Alliance:
    """What was loaded, and the demo rows held back: ``new`` to publish after the subscriptions
    are made, ``profiles`` for students to fill in."""

    records: int
    new: list[tuple[Pool, dict[str, str]]]
    profiles: list[dict[str, str]]


@dataclass
class Subscribed:
    users: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)  # "search" or a direction's key

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _rows(pool: Pool, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    headers = {c.header for c in columns_of(pool)}
    return [{k: _text(v) for k, v in row.items() if k in headers} for row in rows]


def org_header(pool: Pool) -> str:
    header = next((c.header for c in columns_of(pool) if c.kind is Kind.ORG), None)
    if header is None:
        raise WorldError(f"{pool.label}没有所属单位一列")
    return header


def load_alliance(session: Session, per_pool: int | None, new: int, students: int) -> Alliance:
    """Import the demo alliance as ``chanjiao demo`` does (all of it, or ``per_pool`` rows of each
    record pool with the organizations they name), holding back ``new`` rows of the
    needs/internships/成果 and ``students`` talent rows of schools in good standing."""
    demo = build_demo()
    orgs = _rows(Pool.ORGANIZATION, demo[Pool.ORGANIZATION])
    good = {row["单位名称"] for row in orgs if row.get("会员状态") == "正式会员"}
    shares = {pool: new // len(NEW_POOLS) + (i < new % len(NEW_POOLS)) for i, pool in enumerate(NEW_POOLS)}
    loaded: dict[Pool, list[dict[str, str]]] = {}
    held: list[tuple[Pool, dict[str, str]]] = []
    profiles: list[dict[str, str]] = []
    for pool in LOAD_ORDER:
        if pool is Pool.ORGANIZATION:
            continue
        rows = _rows(pool, demo[pool])
        if pool is Pool.TALENT:
            keep = rows if per_pool is None else rows[:per_pool]
            spare = [r for r in rows[len(keep):] if r[org_header(pool)] in good] or \
                [r for r in keep if r[org_header(pool)] in good]
            profiles = spare[-students:] if students else []
            keep = [r for r in keep if r not in profiles]
        else:
            share = shares.get(pool, 0)
            taken = rows if per_pool is None else rows[:per_pool + share]
            keep, back = taken[:len(taken) - share], taken[len(taken) - share:]
            for row in back:
                row.pop("状态", None)  # a new record gets the status its write path gives it
            held.extend((pool, row) for row in back)
        loaded[pool] = keep
    named = {row[org_header(p)] for p, rows in loaded.items() for row in rows}
    named |= {row[org_header(p)] for p, row in held} | {row[org_header(Pool.TALENT)] for row in profiles}
    loaded[Pool.ORGANIZATION] = orgs if per_pool is None else [r for r in orgs if r["单位名称"] in named]
    records = 0
    for pool in LOAD_ORDER:
        report = import_rows(session, pool, list(enumerate(loaded[pool], start=2)), source="demo")
        if not report.ok:
            raise WorldError(f"演示数据未通过校验（{pool.label}）：{report.errors[0]}")
        records += report.total
    # The held-back rows were taken from the end of each pool: publish them in demo order mixed.
    random.Random(7).shuffle(held)
    return Alliance(records, held, profiles)


def add_users(session: Session, profiles: list[dict[str, str]]) -> list[User]:
    """The demo accounts, and a student account for each profile row (at its school), who saves
    the profile through the student's own form; each user gets a mail address."""
    ensure_demo_accounts(session)
    school_of = {o.name: o for o in session.scalars(select(Organization).where(good_standing()))}
    for n, row in enumerate(profiles, start=1):
        school = school_of.get(row[org_header(Pool.TALENT)])
        if school is None:
            continue
        student = create_user(session, f"xs{n:03d}", DEMO_PASSWORD, row["姓名"], Role.STUDENT, school.id)
        saved = save_profile(session, student, row)
        if saved.record is None:
            raise WorldError(f"学生档案未通过校验：{saved.errors}")
    users = list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))
    for user in users:
        set_preferences(session, user, {}, email=f"{user.username}@bench.example.com")
    return users


def publish(session: Session, staff: User, pool: Pool, row: dict[str, str]) -> PoolRecord:
    """One new record through the edit form's workflow, as the secretariat enters it."""
    saved = create_record(session, staff, pool, row)
    if saved.record is None:
        raise WorldError(f"新记录未通过校验（{pool.label}）：{saved.errors}")
    return saved.record


# -- subscriptions -----------------------------------------------------------------------------

def _field_of(session: Session, user: User, rng: random.Random) -> FieldInfo:
    named = user.org.field if user.org is not None else None
    if user.role is Role.STUDENT:
        own = next((r for p, r in owned_records(session, user) if p is Pool.TALENT), None)
        named = own.field if own is not None else named
    return FIELD_BY_NAME.get(named or "") or rng.choice(FIELDS)


def _query(info: FieldInfo, role: Role, rng: random.Random) -> str:
    """A search as people type them, from the field's own vocabulary."""
    skill, other = rng.sample(info.skills, 2)
    forms = [skill, f"{skill} {other}", rng.choice(info.majors), f"{info.name} {skill}"]
    if role is Role.STUDENT:
        forms += [f"{skill}实习", f"{rng.choice(info.majors)} 实习"]
    return rng.choice(forms)


def _record_follows(session: Session, user: User, rng: random.Random) -> list[tuple[PoolRecord, str, str]]:
    """(record, direction key, label) for every published record the user looks after and every
    direction it offers, interleaved so that each direction comes early."""
    by_direction: dict[str, list[tuple[PoolRecord, str, str]]] = {}
    for _, record in owned_records(session, user):
        if record.status is not Status.PUBLISHED:
            continue
        for spec in directions_for(record):
            by_direction.setdefault(spec.key, []).append((record, spec.key, f"{record.name}：{spec.label}"))
    lists = list(by_direction.values())
    for items in lists:
        rng.shuffle(items)
    rng.shuffle(lists)
    return [items[i] for i in range(max(map(len, lists), default=0)) for items in lists if i < len(items)]


def _choices(session: Session, user: User, rng: random.Random) -> Iterator[str]:
    """Make one subscription of ``user`` per step (yielding its kind), up to the per-user limit."""
    follows = iter(_record_follows(session, user, rng))
    info = _field_of(session, user, rng)
    pools = SEARCH_POOLS.get(user.role, (None,))
    searched: set[tuple[str, Pool | None]] = set()
    made = 0
    while made < subscriptions.MAX_PER_USER:
        follow = None if rng.random() < SEARCH_SHARE else next(follows, None)
        if follow is not None:
            record, direction, label = follow
            subscriptions.follow_record(session, user, record, direction, label, rng.choice(MIN_SCORES))
            made += 1
            yield direction
            continue
        for _ in range(20):  # a new search: the workflow would fold a repeat into the existing one
            wanted = (_query(info, user.role, rng), rng.choice(pools))
            if wanted not in searched:
                break
        else:
            return
        searched.add(wanted)
        subscriptions.follow_search(session, user, wanted[0], wanted[1], rng.choice(MIN_SCORES))
        made += 1
        yield "search"


def subscribe(session: Session, users: list[User], total: int, seed: int = 15) -> Subscribed:
    """``total`` subscriptions, one user at a time in turn (each at most the workflow's limit)."""
    rng = random.Random(seed)
    turns = {user.id: _choices(session, user, rng) for user in users}
    done = Subscribed()
    while done.total < total and turns:
        for user_id, steps in list(turns.items()):
            if done.total >= total:
                break
            kind = next(steps, None)
            if kind is None:
                del turns[user_id]
                continue
            done.by_kind[kind] += 1
    session.flush()
    done.users = len(set(session.scalars(select(Subscription.user_id))))
    return done
