"""双选 rounds: staff put chosen posts and students into a round with its rules (site caps, the
school total and per-enterprise quota, the apprentice share), may change all of it while it is a
草稿 (``data.workflows.round_rules`` checks them), and open it; each student ranks up to
``max_choices`` of the round's posts, each post's enterprise marks the round's students
(优先 / 可接受 / 不接受); staff close the round, store the matcher's results
(``matcher.placement``), and publish them: every student and every post's enterprise is told, and
a placed student gets an application in the 已录用 state (the enterprise's offer, which the
student accepts or gives up on the application's page as with any offer).

草稿 → 开放填报 → 填报截止 → 已分配 → 已发布; results may be stored again while 已分配 (a rerun).
Staff run every step but the students' choices and the enterprises' marks; a wrong role is
``NotAllowed``, an unknown id (or one the user may not see) ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.access import MAX_ID, record_ids
from data.enums import (ApplicationStatus, AuditAction, NotificationKind, Role, RoundMark, RoundStatus,
                        Status)
from data.errors import NotAllowed, NotFound
from data.models import (AllocationRound, Application, Internship, RoundChoice, RoundMarkEntry, RoundPost, RoundResult,
                         RoundStudent, Talent, User)
from data.models.base import aware, utcnow
from data.pools import Pool
from data.sheets.tabular import write_table
from data.workflows.audit import audit
from data.workflows.notifications import notify, org_users
from data.workflows.round_rules import RoundError, RoundSettings, round_settings
from data.workflows.records import form_values
from data.workflows.students import profile_of, seats_taken

MAX_MEMBERS = 5000  # posts or students in one round
EXPORT_HEADERS = ("学生", "学校", "专业", "岗位", "企业", "匹配度", "志愿序号", "未安置原因", "备选岗位")
NEXT: dict[RoundStatus, RoundStatus] = {RoundStatus.DRAFT: RoundStatus.OPEN, RoundStatus.OPEN: RoundStatus.CLOSED,
                                        RoundStatus.CLOSED: RoundStatus.ALLOCATED,
                                        RoundStatus.ALLOCATED: RoundStatus.PUBLISHED}


@dataclass(frozen=True)
class ResultRow:
    """One student's outcome as the matcher hands it over (``RoundResult`` stores it)."""

    talent_id: int
    internship_id: int | None
    score: float | None = None
    student_rank: int | None = None
    reason: str | None = None  # matcher.allocation.Reason code when unplaced
    alternatives: list[dict[str, Any]] = field(default_factory=list)  # {"post", "score", "obstacle"}


@dataclass(frozen=True)
class RoundInputs:
    """What the matcher needs of a round: its posts and students, choices and marks, rules."""

    round: AllocationRound
    posts: list[RoundPost]
    students: list[RoundStudent]
    choices: dict[int, list[int]]  # talent id → internship ids, first choice first
    marks: dict[int, dict[int, RoundMark]]  # internship id → talent id → mark


# -- reading ---------------------------------------------------------------------------------

def _staff(user: User) -> None:
    if not user.role.is_staff:
        raise NotAllowed("round_id", "只有秘书处工作人员可以管理双选轮次")


def get_round(session: Session, round_id: int) -> AllocationRound:
    found = session.get(AllocationRound, round_id) if 0 < round_id <= MAX_ID else None
    if found is None:
        raise NotFound("round_id", f"没有编号为 {round_id} 的双选轮次")
    return found


def list_rounds(session: Session, limit: int = 200) -> list[AllocationRound]:
    return list(session.scalars(select(AllocationRound).order_by(AllocationRound.id.desc()).limit(limit)))


def posts_of(session: Session, round_id: int) -> list[RoundPost]:
    return list(session.scalars(select(RoundPost).where(RoundPost.round_id == round_id).order_by(RoundPost.internship_id)))


def students_of(session: Session, round_id: int) -> list[RoundStudent]:
    return list(session.scalars(select(RoundStudent).where(RoundStudent.round_id == round_id)
                                .order_by(RoundStudent.talent_id)))


def inputs_of(session: Session, round_id: int) -> RoundInputs:
    chosen = get_round(session, round_id)
    choices: dict[int, list[int]] = {}
    for row in session.scalars(select(RoundChoice).where(RoundChoice.round_id == round_id)
                               .order_by(RoundChoice.talent_id, RoundChoice.rank)):
        choices.setdefault(row.talent_id, []).append(row.internship_id)
    marks: dict[int, dict[int, RoundMark]] = {}
    for mark in session.scalars(select(RoundMarkEntry).where(RoundMarkEntry.round_id == round_id)):
        marks.setdefault(mark.internship_id, {})[mark.talent_id] = mark.mark
    return RoundInputs(chosen, posts_of(session, round_id), students_of(session, round_id), choices, marks)


def results_of(session: Session, round_id: int) -> list[RoundResult]:
    return list(session.scalars(select(RoundResult).where(RoundResult.round_id == round_id)
                                .order_by(RoundResult.talent_id)))


# -- staff: set up, open, close --------------------------------------------------------------

def _ids(values: Iterable[object], field_name: str, label: str) -> list[int]:
    ids = record_ids(values, field_name, label, RoundError)
    if not ids:
        raise RoundError(field_name, f"请至少选择一个{label}")
    if len(ids) > MAX_MEMBERS:
        raise RoundError(field_name, f"一轮最多 {MAX_MEMBERS} 个{label}")
    return ids


def _members(session: Session, internship_ids: Iterable[object], talent_ids: Iterable[object]) -> tuple[dict[int, Internship], list[int]]:
    """The published posts (by id, in the order given) and the students, checked."""
    posts = _ids(internship_ids, "internship_ids", "岗位")
    talents = _ids(talent_ids, "talent_ids", "学生")
    found_posts = {p.id: p for p in session.scalars(select(Internship).where(Internship.id.in_(posts)))}
    for post_id in posts:
        post = found_posts.get(post_id)
        if post is None or post.status is not Status.PUBLISHED:
            raise RoundError("internship_ids", f"岗位库中没有编号为 {post_id} 的已发布岗位")
    found_talents = set(session.scalars(select(Talent.id).where(Talent.id.in_(talents))))
    missing = [t for t in talents if t not in found_talents]
    if missing:
        raise RoundError("talent_ids", f"人才库中没有编号为 {missing[0]} 的学生")
    return {p: found_posts[p] for p in posts}, talents


def seats_left(session: Session, post: Internship) -> int:
    """The post's 招收人数 less the seats offers already hold (录用 made or accepted, an earlier
    round's included): what a round may still hand out."""
    return max(0, post.seats - seats_taken(session, post.id))


def _settings_record(settings: RoundSettings) -> dict[str, Any]:
    """The settings as the audit log shows them."""
    return {"名称": settings.name, "分配方式": settings.method.label, "志愿数": settings.max_choices,
            "匹配度下限": settings.floor, "学徒岗比例上限": settings.apprentice_share,
            "同校同企业名额": settings.school_quota, "每校名额": settings.school_total,
            "场地容量": dict(settings.site_caps)}


def _stored_record(chosen: AllocationRound) -> dict[str, Any]:
    return {"名称": chosen.name, "分配方式": chosen.method.label, "志愿数": chosen.max_choices, "匹配度下限": chosen.floor,
            "学徒岗比例上限": chosen.apprentice_share, "同校同企业名额": chosen.school_quota,
            "每校名额": chosen.school_total, "场地容量": dict(chosen.site_caps or {})}


def _apply(chosen: AllocationRound, settings: RoundSettings) -> None:
    chosen.name, chosen.method, chosen.max_choices, chosen.floor = (settings.name, settings.method,
                                                                   settings.max_choices, settings.floor)
    chosen.apprentice_share, chosen.school_quota, chosen.school_total = (settings.apprentice_share,
                                                                         settings.school_quota, settings.school_total)
    chosen.site_caps = dict(settings.site_caps)
    chosen.student_deadline, chosen.enterprise_deadline = settings.student_deadline, settings.enterprise_deadline


def create_round(session: Session, user: User, name: str, internship_ids: Iterable[object], talent_ids: Iterable[object],
                 *, seats: Mapping[int, int] | None = None, **rules: Any) -> AllocationRound:
    """A round in 草稿 over published posts and students, with the settings of ``round_settings``
    (``rules``). Each post brings the seats it has left (招收人数 less the offers already holding
    one), or those of ``seats`` by post id: a 双选会 offers its own."""
    _staff(user)
    settings = round_settings(name, **rules)
    posts, talents = _members(session, internship_ids, talent_ids)
    made = AllocationRound(created_by_id=user.id)
    _apply(made, settings)
    session.add(made)
    session.flush()
    session.add_all(RoundPost(round_id=made.id, internship_id=p,
                              seats=(seats or {}).get(p, seats_left(session, post))) for p, post in posts.items())
    session.add_all(RoundStudent(round_id=made.id, talent_id=t) for t in talents)
    audit(session, user, AuditAction.ROUND, None, made.id, f"新建双选轮次「{settings.name}」",
          after={"岗位数": len(posts), "学生数": len(talents), **_settings_record(settings)})
    session.flush()
    return made


def update_round(session: Session, user: User, round_id: int, name: str, internship_ids: Iterable[object],
                 talent_ids: Iterable[object], **rules: Any) -> AllocationRound:
    """Change a round in 草稿: its settings (``round_settings``), posts and students, all at once
    (what is not given takes its default). A post that stays keeps its seats (a 双选会's too); a
    post added brings the seats it has left. Refused once the round is open."""
    _staff(user)
    chosen = get_round(session, round_id)
    if chosen.status is not RoundStatus.DRAFT:
        raise RoundError("status", f"该轮次已是「{chosen.status.label}」，只有草稿可以修改")
    settings = round_settings(name, **rules)
    posts, talents = _members(session, internship_ids, talent_ids)
    before = {"岗位": [p.internship_id for p in posts_of(session, round_id)],
              "学生": [s.talent_id for s in students_of(session, round_id)], **_stored_record(chosen)}
    _apply(chosen, settings)
    kept = {p.internship_id: p for p in posts_of(session, round_id)}
    for post_id, row in kept.items():
        if post_id not in posts:
            session.delete(row)
    session.add_all(RoundPost(round_id=round_id, internship_id=p, seats=seats_left(session, post))
                    for p, post in posts.items() if p not in kept)
    members = {s.talent_id: s for s in students_of(session, round_id)}
    for talent_id, member in members.items():
        if talent_id not in talents:
            session.delete(member)
    session.add_all(RoundStudent(round_id=round_id, talent_id=t) for t in talents if t not in members)
    audit(session, user, AuditAction.ROUND, None, round_id, f"修改双选轮次「{settings.name}」（草稿）", before=before,
          after={"岗位": sorted(posts), "学生": sorted(talents), **_settings_record(settings)})
    session.flush()
    return chosen


def _advance(session: Session, user: User, round_id: int, to: RoundStatus) -> AllocationRound:
    _staff(user)
    chosen = get_round(session, round_id)
    if NEXT.get(chosen.status) is not to:
        raise RoundError("status", f"该轮次已是「{chosen.status.label}」，不能改为「{to.label}」")
    before = chosen.status
    chosen.status = to
    audit(session, user, AuditAction.ROUND, None, chosen.id, f"双选轮次「{chosen.name}」：{to.label}",
          before={"状态": before.label}, after={"状态": to.label})
    session.flush()
    return chosen


def open_round(session: Session, user: User, round_id: int) -> AllocationRound:
    """草稿 → 开放填报: the round's students are told to fill in their choices."""
    chosen = _advance(session, user, round_id, RoundStatus.OPEN)
    users = [s.talent.user_id for s in students_of(session, round_id) if s.talent.user_id is not None]
    told = list(session.scalars(select(User).where(User.id.in_(users)).order_by(User.id))) if users else []
    notify(session, told, NotificationKind.APPLICATION_STATUS, f"双选「{chosen.name}」开放填报志愿",
           f"最多填报 {chosen.max_choices} 个志愿", f"/rounds/{chosen.id}/choices")
    return chosen


def close_round(session: Session, user: User, round_id: int) -> AllocationRound:
    """开放填报 → 填报截止: choices and marks can no longer change."""
    return _advance(session, user, round_id, RoundStatus.CLOSED)


# -- students: choices ------------------------------------------------------------------------

def _own_seat(session: Session, user: User, round_id: int) -> tuple[AllocationRound, Talent]:
    if user.role is not Role.STUDENT:
        raise NotAllowed("round_id", "只有学生本人可以填报志愿")
    talent = profile_of(session, user)
    chosen = get_round(session, round_id)
    if talent is None or chosen.status is RoundStatus.DRAFT or session.scalar(select(RoundStudent.id).where(
            RoundStudent.round_id == round_id, RoundStudent.talent_id == talent.id)) is None:
        raise NotFound("round_id", f"没有编号为 {round_id} 的您参加的双选轮次")
    return chosen, talent


def rounds_for_student(session: Session, user: User) -> list[AllocationRound]:
    talent = profile_of(session, user) if user.role is Role.STUDENT else None
    if talent is None:
        return []
    return list(session.scalars(select(AllocationRound).join(RoundStudent, RoundStudent.round_id == AllocationRound.id)
                                .where(RoundStudent.talent_id == talent.id, AllocationRound.status != RoundStatus.DRAFT)
                                .order_by(AllocationRound.id.desc())))


def student_view(session: Session, user: User, round_id: int) -> tuple[AllocationRound, Talent, list[int], RoundResult | None]:
    """The student's round, profile, choices (first first) and — once published — their result."""
    chosen, talent = _own_seat(session, user, round_id)
    choices = list(session.scalars(select(RoundChoice.internship_id).where(
        RoundChoice.round_id == round_id, RoundChoice.talent_id == talent.id).order_by(RoundChoice.rank)))
    result = None
    if chosen.status is RoundStatus.PUBLISHED:
        result = session.scalar(select(RoundResult).where(RoundResult.round_id == round_id,
                                                          RoundResult.talent_id == talent.id))
    return chosen, talent, choices, result


def set_choices(session: Session, user: User, round_id: int, internship_ids: Sequence[object],
                now: dt.datetime | None = None) -> list[int]:
    """The student's ordered choices, replacing the earlier ones (an empty list clears them)."""
    chosen, talent = _own_seat(session, user, round_id)
    if chosen.status is not RoundStatus.OPEN:
        raise RoundError("choices", f"该轮次「{chosen.status.label}」，不能修改志愿")
    if chosen.student_deadline is not None and aware(chosen.student_deadline) < (now or utcnow()):
        raise RoundError("choices", "志愿填报已截止")
    ids = _ids(internship_ids, "choices", "岗位") if any(str(v).strip() for v in internship_ids) else []
    if len(ids) != len([v for v in internship_ids if str(v).strip()]):
        raise RoundError("choices", "志愿中有重复的岗位")
    if len(ids) > chosen.max_choices:
        raise RoundError("choices", f"最多填报 {chosen.max_choices} 个志愿（现有 {len(ids)} 个）")
    offered = {p.internship_id for p in posts_of(session, round_id)}
    outside = [i for i in ids if i not in offered]
    if outside:
        raise RoundError("choices", f"岗位 {outside[0]} 不在本轮双选中")
    session.execute(delete(RoundChoice).where(RoundChoice.round_id == round_id, RoundChoice.talent_id == talent.id))
    session.add_all(RoundChoice(round_id=round_id, talent_id=talent.id, internship_id=i, rank=n)
                    for n, i in enumerate(ids, 1))
    session.flush()
    return ids


# -- enterprises: marks -----------------------------------------------------------------------

def _own_post(session: Session, user: User, round_id: int, internship_id: int) -> tuple[AllocationRound, RoundPost]:
    if not user.role.is_staff and (user.role is not Role.ENTERPRISE or user.org_id is None):
        raise NotAllowed("internship_id", "只有岗位所属企业可以标记申请人")
    chosen = get_round(session, round_id)
    post = session.scalar(select(RoundPost).where(RoundPost.round_id == round_id,
                                                  RoundPost.internship_id == internship_id))
    if post is None or chosen.status is RoundStatus.DRAFT:
        raise NotFound("internship_id", f"本轮双选中没有编号为 {internship_id} 的岗位")
    if not user.role.is_staff and post.internship.owner_org_id != user.org_id:
        raise NotAllowed("internship_id", "只能标记本单位岗位的申请人")
    return chosen, post


def rounds_for_enterprise(session: Session, user: User) -> list[tuple[AllocationRound, list[RoundPost]]]:
    """The open or later rounds holding posts of the user's organization, with those posts."""
    if user.role is not Role.ENTERPRISE or user.org_id is None:
        return []
    rows = session.scalars(select(RoundPost).join(AllocationRound, AllocationRound.id == RoundPost.round_id)
                           .join(Internship, Internship.id == RoundPost.internship_id)
                           .where(Internship.owner_org_id == user.org_id, AllocationRound.status != RoundStatus.DRAFT)
                           .order_by(RoundPost.round_id.desc(), RoundPost.internship_id))
    grouped: dict[int, list[RoundPost]] = {}
    for row in rows:
        grouped.setdefault(row.round_id, []).append(row)
    return [(get_round(session, rid), posts) for rid, posts in grouped.items()]


@dataclass(frozen=True)
class Applicant:
    talent: Talent
    choice_rank: int | None  # the place of this post in the student's choices; None: not chosen
    mark: RoundMark | None


def applicants_of(session: Session, user: User, round_id: int, internship_id: int) -> tuple[AllocationRound, RoundPost, list[Applicant]]:
    """The round's students as the post's enterprise sees them: those who chose the post first
    (by the place they gave it), then the others (a student with no choices may be placed
    anywhere their fit reaches the floor), each with the mark given."""
    chosen, post = _own_post(session, user, round_id, internship_id)
    ranks = {t: r for t, r in session.execute(select(RoundChoice.talent_id, RoundChoice.rank).where(
        RoundChoice.round_id == round_id, RoundChoice.internship_id == internship_id))}
    marks = {t: m for t, m in session.execute(select(RoundMarkEntry.talent_id, RoundMarkEntry.mark).where(
        RoundMarkEntry.round_id == round_id, RoundMarkEntry.internship_id == internship_id))}
    people = [Applicant(s.talent, ranks.get(s.talent_id), marks.get(s.talent_id)) for s in students_of(session, round_id)]
    people.sort(key=lambda a: (a.choice_rank is None, a.choice_rank or 0, a.talent.id))
    return chosen, post, people


def set_marks(session: Session, user: User, round_id: int, internship_id: int, marks: Mapping[Any, str],
              now: dt.datetime | None = None) -> dict[int, RoundMark]:
    """The post's enterprise marks the round's students (``{talent id: 优先/可接受/不接受 or code}``;
    an empty value clears a mark: unmarked counts as acceptable)."""
    chosen, post = _own_post(session, user, round_id, internship_id)
    if chosen.status is not RoundStatus.OPEN:
        raise RoundError("marks", f"该轮次「{chosen.status.label}」，不能修改标记")
    if chosen.enterprise_deadline is not None and aware(chosen.enterprise_deadline) < (now or utcnow()):
        raise RoundError("marks", "企业标记已截止")
    members = {s.talent_id for s in students_of(session, round_id)}
    parsed: dict[int, RoundMark | None] = {}
    for key, value in marks.items():
        try:
            talent_id = int(str(key))
        except ValueError:
            raise RoundError("marks", f"学生编号应为整数：{key}") from None
        if talent_id not in members:
            raise RoundError("marks", f"学生 {talent_id} 不在本轮双选中")
        try:
            parsed[talent_id] = RoundMark.parse(value) if str(value or "").strip() else None
        except ValueError as exc:
            raise RoundError("marks", f"标记{exc}") from None
    existing = {m.talent_id: m for m in session.scalars(select(RoundMarkEntry).where(
        RoundMarkEntry.round_id == round_id, RoundMarkEntry.internship_id == internship_id))}
    for talent_id, mark in parsed.items():
        row = existing.get(talent_id)
        if mark is None and row is not None:
            session.delete(row)
        elif mark is not None and row is None:
            session.add(RoundMarkEntry(round_id=round_id, internship_id=internship_id, talent_id=talent_id, mark=mark))
        elif mark is not None and row is not None:
            row.mark = mark
    session.flush()
    return {t: m for t, m in parsed.items() if m is not None}


# -- staff: results, publish, export ----------------------------------------------------------

def ready_to_allocate(session: Session, user: User, round_id: int) -> AllocationRound:
    """The round, if the user may allocate it now (staff; 填报截止 or 已分配)."""
    _staff(user)
    chosen = get_round(session, round_id)
    if chosen.status not in (RoundStatus.CLOSED, RoundStatus.ALLOCATED):
        raise RoundError("status", f"该轮次「{chosen.status.label}」，只有填报截止后才能分配")
    return chosen


def store_results(session: Session, user: User, round_id: int, rows: Sequence[ResultRow],
                  metrics: Mapping[str, Any] | None = None) -> AllocationRound:
    """填报截止 → 已分配 with these results (and the figures of the run); again while 已分配
    replaces them (a rerun)."""
    chosen = ready_to_allocate(session, user, round_id)
    members = {s.talent_id for s in students_of(session, round_id)}
    offered = {p.internship_id for p in posts_of(session, round_id)}
    for row in rows:
        if row.talent_id not in members or (row.internship_id is not None and row.internship_id not in offered):
            raise RoundError("results", f"分配结果中的学生 {row.talent_id} 或岗位 {row.internship_id} 不在本轮")
    session.execute(delete(RoundResult).where(RoundResult.round_id == round_id))
    session.add_all(RoundResult(round_id=round_id, talent_id=r.talent_id, internship_id=r.internship_id, score=r.score,
                                student_rank=r.student_rank, reason=r.reason, alternatives=list(r.alternatives))
                    for r in rows)
    chosen.metrics = dict(metrics or {})
    if chosen.status is RoundStatus.CLOSED:
        return _advance(session, user, round_id, RoundStatus.ALLOCATED)
    session.flush()
    return chosen


def publish(session: Session, user: User, round_id: int) -> list[Application]:
    """已分配 → 已发布: each placed student gets an offer (an application in 已录用 — created, or
    an earlier application to the same post moved there), each student and each post's
    enterprise is told. Returns the offers."""
    chosen = _advance(session, user, round_id, RoundStatus.PUBLISHED)
    offers: list[Application] = []
    placed_at: dict[int, list[str]] = {}
    for result in results_of(session, round_id):
        result.published = True
        talent, post = result.talent, result.internship
        student = session.get(User, talent.user_id) if talent.user_id is not None else None
        link = f"/rounds/{chosen.id}/choices"
        if post is None:
            notify(session, [student] if student else [], NotificationKind.APPLICATION_STATUS,
                   f"双选「{chosen.name}」结果：未安置", "请查看原因和备选岗位", link)
            continue
        offers.append(_offer(session, talent, post))
        placed_at.setdefault(post.owner_org_id, []).append(f"{talent.name}（{post.name}）")
        notify(session, [student] if student else [], NotificationKind.APPLICATION_STATUS,
               f"双选「{chosen.name}」结果：{post.name}", f"{post.owner_org.name}，请在投递记录中确认录用", link)
    for org_id, names in sorted(placed_at.items()):
        notify(session, org_users(session, org_id), NotificationKind.APPLICATION_STATUS,
               f"双选「{chosen.name}」结果：录用 {len(names)} 人", "、".join(names), f"/rounds/{chosen.id}/marks")
    session.flush()
    return offers


def _offer(session: Session, talent: Talent, post: Internship) -> Application:
    application = session.scalar(select(Application).where(Application.talent_id == talent.id,
                                                           Application.internship_id == post.id))
    if application is None:
        application = Application(talent_id=talent.id, internship_id=post.id, resume=form_values(Pool.TALENT, talent))
        session.add(application)
    if application.status not in (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED):
        application.status, application.decided_at = ApplicationStatus.ACCEPTED, utcnow()
        application.decision_note = "双选分配录用"
    session.flush()
    return application


def export_rows(session: Session, round_id: int) -> list[list[Any]]:
    names = {p.internship_id: p.internship.name for p in posts_of(session, round_id)}
    rows: list[list[Any]] = []
    for r in results_of(session, round_id):
        post = r.internship
        alternatives = "；".join(f"{names.get(a.get('post'), a.get('post'))}（{a.get('label', a.get('obstacle'))}）"
                                for a in r.alternatives)
        rows.append([r.talent.name, r.talent.owner_org.name, r.talent.major, post.name if post else "",
                     post.owner_org.name if post else "", round(100 * r.score, 1) if r.score is not None else None,
                     r.student_rank, "" if post else reason_label(r.reason), "" if post else alternatives])
    return rows


def reason_label(code: str | None) -> str:
    return REASON_LABELS.get(code or "", code or "")


# The labels of ``matcher.allocation.Reason`` (data may not import the matcher; a test keeps them equal).
REASON_LABELS = {
    "no_preferences": "未填报志愿，且没有岗位的匹配度达到下限",
    "no_major_post": "没有对口专业（及学历要求相符）的岗位可选",
    "city_mismatch": "对口岗位都不在期望城市",
    "not_acceptable": "没有岗位接受该学生",
    "outranked": "可接受的岗位均已被排名更靠前的申请者占满",
    "full": "可接受的岗位均已满员（名额分给了总体匹配度更高的组合）",
    "site_capped": "该地点名额已满",
    "apprentice_capped": "学徒岗位名额已满",
    "school_capped": "本校名额已满",
    "capped": "可接受的岗位受场地容量、学徒岗比例或学校名额限制",
}


def export_results(session: Session, user: User, round_id: int, path: Path) -> int:
    """The placement list as .xlsx (or .csv by the suffix); returns the number of rows."""
    _staff(user)
    chosen = get_round(session, round_id)
    if chosen.status not in (RoundStatus.ALLOCATED, RoundStatus.PUBLISHED):
        raise RoundError("status", "分配之后才能导出安置名单")
    rows = export_rows(session, round_id)
    write_table(Path(path), EXPORT_HEADERS, rows)
    audit(session, user, AuditAction.EXPORT, None, chosen.id, f"导出双选「{chosen.name}」安置名单（{len(rows)} 行）")
    return len(rows)
