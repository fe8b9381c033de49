"""Students and internships: a student's profile and the posts recommended to them (applying
and everything after it: :mod:`web.services.applications`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from data.enums import Visibility
from data.models import Application, Talent, User
from data.pools import Pool
from data.sheets.columns import columns_of
from data.sheets.exporter import format_cell
from data.workflows import students
from data.workflows.records import Saved
from indexer.context import IndexContext
from indexer.store import IndexError_
from data.access import Viewer
from matcher.directions import talent_internships
from matcher.engine import Match
from matcher.recommend import recommend
from web.services.matching import note_shown

DIRECTION = talent_internships.DIRECTION.key


def profile_form(session: Session, user: User) -> dict[str, str]:
    """The profile form as it starts: the student's profile, or their name and 会员可见 for a new one."""
    talent = students.profile_of(session, user)
    if talent is None:
        return {"姓名": user.display_name, "可见范围": Visibility.MEMBERS.label}
    return {c.header: ("" if (v := format_cell(c, talent)) is None else str(v)) for c in columns_of(Pool.TALENT)}


def save_profile(session: Session, user: User, form: Any) -> Saved:
    """Create or update the student's profile; committed unless a field failed its check."""
    saved = students.save_profile(session, user, form)
    if not saved.errors:
        session.commit()
    return saved


@dataclass
class InternshipsPage:
    talent: Talent
    matches: list[Match]
    applied: dict[int, Application]  # by internship id
    problem: str | None  # the index cannot answer (in Chinese)


def internships_page(session: Session, ctx: IndexContext, user: User, viewer: Viewer,
                     actor: str | None) -> InternshipsPage | None:
    """The posts recommended to the student, and their applications by post; None without a profile."""
    talent = students.profile_of(session, user)
    if talent is None:
        return None
    try:
        matches = recommend(session, ctx, Pool.TALENT, talent.id, DIRECTION, viewer=viewer, actor=actor, k=10)
        problem = None
        note_shown({DIRECTION: len(matches)})
    except IndexError_ as exc:
        matches, problem = [], str(exc)
    applied = {a.internship_id: a for a in students.applications_of(session, talent)}
    return InternshipsPage(talent, matches, applied, problem)
