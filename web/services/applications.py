"""Applications as the two sides use them: the student applies with a cover letter, follows the
status, withdraws or answers an offer; the posting organization sees its applicants ranked by
the two-sided fit (filtered by major, level and city), opens one (已查看), invites to an
interview, decides; both write messages. Pages and the API call the same functions; each
action is committed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, contains_eager

from data.access import MAX_ID, ORG_REPRESENTATIVES, Viewer
from data.enums import ApplicationStatus, EducationLevel, Role
from data.errors import Malformed, NotAllowed
from data.models import Application, ApplicationMessage, Internship, Talent, User
from data.pools import Pool
from data.reference.regions import get_region, resolve_region
from data.sheets.columns import columns_of
from data.workflows import students
from data.workflows.students import CHINA, TRANSITIONS
from indexer.context import IndexContext
from indexer.store import IndexError_
from matcher.directions import internship_talents
from matcher.engine import Match
from matcher.recommend import RecommendError, recommend
from web.services.records import get_record

LIST_LIMIT = 500  # applications listed at once
RANKED_POSTS = 20  # posts whose applicants are ranked on one page (one ranking each)
RANKED_PER_POST = 50  # students each ranking reads the applicants' scores from
FILTER_MAX = 100  # characters of a text filter

# What each side may do next, by the status (the buttons a page shows, ``actions`` in the API).
ORG_ACTIONS = {"interview": ApplicationStatus.INTERVIEW, "accept": ApplicationStatus.ACCEPTED,
               "reject": ApplicationStatus.REJECTED}
STUDENT_ACTIONS = {"withdraw": ApplicationStatus.WITHDRAWN, "confirm": ApplicationStatus.CONFIRMED,
                   "decline": ApplicationStatus.DECLINED}
# The résumé as the other side reads it: contact data only through the consent flow, no bookkeeping.
RESUME_HIDDEN = frozenset(c.header for c in columns_of(Pool.TALENT) if c.private or c.internal) | {"可见范围"}


@dataclass(frozen=True)
class Filters:
    """Which applications a list shows (empty: all)."""

    major: str = ""  # part of the applicant's major
    level: EducationLevel | None = None
    city: str = ""  # a region code: the applicant's 期望城市 or 所在地区 lies in it
    internship_id: int | None = None

    def args(self) -> dict[str, str]:
        """The filters as query-string values (for the form and links)."""
        region = get_region(self.city) if self.city else None
        return {"major": self.major, "level": self.level.value if self.level else "",
                "city": region.full_name if region is not None else self.city,
                "internship_id": str(self.internship_id or "")}


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Filters from a query string: ``major``, ``level`` (学历层次), ``city`` (a region name or code),
    ``internship_id``; a value that cannot be read is a 400 naming its parameter."""
    major = (args.get("major") or "").strip()
    if len(major) > FILTER_MAX:
        raise Malformed("major", f"专业筛选最多 {FILTER_MAX} 字")
    level = None
    if (args.get("level") or "").strip():
        try:
            level = EducationLevel.parse(args["level"])
        except ValueError as exc:
            raise Malformed("level", f"学历层次{exc}") from None
    city = ""
    if (args.get("city") or "").strip():
        text = args["city"].strip()[:FILTER_MAX]
        try:
            city = resolve_region(text)
        except ValueError as exc:
            raise Malformed("city", str(exc)) from None
    internship_id = None
    raw = (args.get("internship_id") or "").strip()
    if raw:
        if not re.fullmatch(r"[0-9]{1,20}", raw) or not 0 < int(raw) <= MAX_ID:
            raise Malformed("internship_id", "「internship_id」应为正整数编号")
        internship_id = int(raw)
    return Filters(major, level, city, internship_id)


def _region_prefix(code: str) -> str:
    """A region code as the prefix its parts share: 440000 → 44, 440100 → 4401, 440106 → 440106."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@dataclass
class Row:
    application: Application
    fit: Match | None = None  # the two-sided fit (organization side only; None: not ranked)


@dataclass
class PostGroup:
    post: Internship
    rows: list[Row] = field(default_factory=list)
    ranked: bool = False


@dataclass
class ApplicationList:
    side: str  # "student" or "org"
    groups: list[PostGroup]  # by post, each ranked by fit; the student's list is one group per post too
    posts: list[Internship]  # every post with applications (the post filter's choices)
    problem: str | None = None  # the ranking could not be made (in Chinese)

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]


def _query(user: User, own: bool = False) -> tuple[str, Select[Application]]:
    """The side the user lists as, and the base query of the applications they may list
    (``own``: those the user sent as a student, whatever their role). Only staff and the users
    who speak for an organization list its received ones (``students.application_for`` asks the
    same): a student or an expert lists what they sent themselves."""
    wanted = select(Application).join(Application.talent).join(Application.internship)
    if user.role.is_staff and not own:
        return "org", wanted
    if user.role not in ORG_REPRESENTATIVES or own:
        return "student", wanted.where(Talent.user_id == user.id)
    return "org", wanted.where(Internship.owner_org_id == (user.org_id or 0))


def my_applications(session: Session, user: User) -> list[Application]:
    """The applications the user sent as a student, newest first (none for other accounts)."""
    _, wanted = _query(user, own=True)
    return list(session.scalars(wanted.order_by(Application.created_at.desc(), Application.id.desc()).limit(LIST_LIMIT)))


def list_applications(session: Session, ctx: IndexContext, user: User, viewer: Viewer,
                      filters: Filters = Filters()) -> ApplicationList:
    """The user's applications: a student's own, or those received by the user's organization
    (staff: all), filtered, grouped by post and — for the organization — ranked within each post
    by the two-sided fit (the 推荐学生 direction of the post; an applicant it does not rank has
    no score and comes last)."""
    side, wanted = _query(user)
    posts = list(session.scalars(select(Internship).where(Internship.id.in_(
        wanted.with_only_columns(Application.internship_id).distinct()))).all()) if side == "org" else []
    if filters.internship_id is not None:
        wanted = wanted.where(Application.internship_id == filters.internship_id)
    if filters.major:
        wanted = wanted.where(Talent.major.contains(filters.major, autoescape=True))
    if filters.level is not None:
        wanted = wanted.where(Talent.level == filters.level)
    if filters.city:
        prefix = _region_prefix(filters.city)
        wanted = wanted.where(or_(Talent.expected_city_code.startswith(prefix, autoescape=True),
                                  Talent.region_code.startswith(prefix, autoescape=True)))
    wanted = wanted.options(contains_eager(Application.talent), contains_eager(Application.internship))
    items = list(session.scalars(wanted.order_by(Application.created_at.desc(), Application.id.desc())
                                 .limit(LIST_LIMIT)).unique())
    groups: dict[int, PostGroup] = {}
    for application in items:
        groups.setdefault(application.internship_id, PostGroup(application.internship)).rows.append(Row(application))
    problem = None
    if side == "org":
        problem = _rank(session, ctx, viewer, list(groups.values()))
    posts.sort(key=lambda p: p.name)
    if side == "student":
        posts = [g.post for g in groups.values()]
    return ApplicationList(side, list(groups.values()), posts, problem)


def _rank(session: Session, ctx: IndexContext, viewer: Viewer, groups: list[PostGroup]) -> str | None:
    """Score each group's applicants by their post's ranking of students, best first."""
    problem = None
    for group in groups[:RANKED_POSTS]:
        try:
            matches = recommend(session, ctx, Pool.INTERNSHIP, group.post.id, internship_talents.DIRECTION.key,
                                viewer=viewer, k=RANKED_PER_POST)
        except IndexError_ as exc:
            return str(exc)
        except RecommendError:
            continue
        by_talent = {m.id: m for m in matches if m.pool is Pool.TALENT}
        for row in group.rows:
            row.fit = by_talent.get(row.application.talent_id)
        group.rows.sort(key=lambda r: -(r.fit.score if r.fit is not None else -1.0))  # stable: newest first among equals
        group.ranked = True
    if len(groups) > RANKED_POSTS:
        problem = f"收到申请的岗位较多，只为最近的 {RANKED_POSTS} 个岗位计算了匹配度；请按岗位筛选查看其余岗位的排序"
    return problem


@dataclass
class ApplicationView:
    application: Application
    side: str
    messages: list[ApplicationMessage]
    actions: list[str]  # what the user may do next: keys of ORG_ACTIONS / STUDENT_ACTIONS, "message"
    resume: list[tuple[str, str]]  # the profile as sent: (header, text), without contact data


def actions_for(application: Application, side: str) -> list[str]:
    """The steps ``side`` may take on the application now (``TRANSITIONS``), and writing a message."""
    allowed = TRANSITIONS.get(application.status, {})
    table = ORG_ACTIONS if side == "org" else STUDENT_ACTIONS
    return [name for name, to in table.items() if allowed.get(to) == side] + ["message"]


def resume_of(application: Application) -> list[tuple[str, str]]:
    return [(k, v) for k, v in (application.resume or {}).items() if v and k not in RESUME_HIDDEN]


def open_application(session: Session, user: User, application_id: int) -> ApplicationView:
    """One application with its messages, for a side of it; the posting organization's opening
    marks it 已查看 (committed)."""
    application, side = students.application_for(session, user, application_id)
    if side == "org" and user.org_id is not None and user.org_id == application.internship.owner_org_id \
            and application.status is ApplicationStatus.SUBMITTED:
        students.mark_viewed(session, user, application_id)
        session.commit()
    return ApplicationView(application, side, students.messages_of(session, user, application_id),
                           actions_for(application, side), resume_of(application))


def apply(session: Session, user: User, internship_id: int, viewer: Viewer, cover_letter: str = "") -> Application:
    """Apply to a post the student may see (hidden posts answer as missing), with a cover letter;
    the profile as it is now goes with it. Committed."""
    if user.role is not Role.STUDENT and not user.role.is_staff:
        raise NotAllowed("internship_id", "只有学生账号可以申请岗位")
    talent = students.profile_of(session, user)
    if talent is None:
        raise Malformed("profile", "请先填写个人资料")
    get_record(session, Pool.INTERNSHIP, internship_id, viewer)
    application = students.apply(session, talent, internship_id, actor=user, cover_letter=cover_letter)
    session.commit()
    return application


def require(session: Session, user: User, application_id: int, side: str | None = None,
            step: ApplicationStatus | None = None) -> Application:
    """The application, if the user is a side of it (else 404, whether or not it exists) and, when
    ``side`` is given, that side (else 403 naming who may take ``step``)."""
    application, found = students.application_for(session, user, application_id)
    if side is not None and found != side:
        who = "企业" if side == "org" else "学生本人"
        raise NotAllowed("application_id", f"「{step.label}」只能由{who}操作" if step else f"只能由{who}操作")
    return application


def parse_interview_time(text: object) -> dt.datetime | None:
    """An interview time as a form (``datetime-local``: 2026-07-01T14:30) or the API (ISO 8601)
    sends it; without an offset it is China time. Empty: None (the workflow asks for one)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    problem = Malformed("interview_at", f"面试时间「{str(text)[:40]}」应为日期时间，如 2026-07-01T14:30")
    if not isinstance(text, str) or len(text) > 40:
        raise problem
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise problem from None
    return (when.replace(tzinfo=CHINA) if when.tzinfo is None else when).astimezone(dt.timezone.utc)


def invite(session: Session, user: User, application_id: int, when: object, place: str, note: str = "") -> Application:
    """面试邀请 (again to reschedule), committed."""
    require(session, user, application_id, "org", ApplicationStatus.INTERVIEW)
    application = students.invite_to_interview(session, user, application_id, parse_interview_time(when), place, note)
    session.commit()
    return application


def decide(session: Session, user: User, application_id: int, accept: bool, reason: str | None = None,
           note: str = "") -> Application:
    """录用 (refused beyond the post's seats) or 未录用 with a reason from the short list, committed."""
    require(session, user, application_id, "org", ApplicationStatus.ACCEPTED if accept else ApplicationStatus.REJECTED)
    application = students.decide_application(session, user, application_id, accept, reason or None, note)
    session.commit()
    return application


def answer_offer(session: Session, user: User, application_id: int, accept: bool) -> Application:
    """The student's 接受录用 or 放弃, committed."""
    require(session, user, application_id, "student", ApplicationStatus.CONFIRMED if accept else ApplicationStatus.DECLINED)
    application = students.answer_offer(session, user, application_id, accept)
    session.commit()
    return application


def withdraw(session: Session, user: User, application_id: int) -> Application:
    """The student withdraws before a decision, committed."""
    require(session, user, application_id, "student", ApplicationStatus.WITHDRAWN)
    application = students.withdraw_application(session, user, application_id)
    session.commit()
    return application


def write(session: Session, user: User, application_id: int, text: str) -> ApplicationMessage:
    """A message to the other side, committed."""
    message = students.post_message(session, user, application_id, text)
    session.commit()
    return message
