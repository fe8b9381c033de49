"""The demo's 双选会: an open fair two weeks ahead with a few enterprises' posts and the students
whose majors they take, so that 「双选会」 is not empty on a fresh ``chanjiao demo``.

Chosen by id, so every build picks the same posts and students; only the dates follow the day of
the build (registration must still be open when someone looks). The enterprises that have an
account in the demo (``qiye`` and the council's) are left out: they bring their own posts.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import Role, Status
from data.models import FairAttendee, FairEvent, FairExhibitor, FairPost, Internship, Organization, Talent, User
from data.models.base import utcnow
from data.workflows import fairs as fw

CHINA = ZoneInfo("Asia/Shanghai")
NAME = "湾区产教联盟春季校园双选会（演示）"
ENTERPRISES = 4  # one post from each
STUDENTS = 12
DAYS_AHEAD = 14


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CHINA).astimezone(dt.timezone.utc)


def add_sample_fair(session: Session, now: dt.datetime | None = None) -> FairEvent | None:
    """Create, open and fill the demo fair (as the first staff account; audited), unless a fair
    exists already or there are no staff, posts or students to make one of. Returns it."""
    staff = session.scalar(select(User).where(User.role == Role.STAFF).order_by(User.id))
    if staff is None or session.scalar(select(FairEvent.id).limit(1)) is not None:
        return None
    with_accounts = set(session.scalars(select(User.org_id).where(User.role == Role.ENTERPRISE, User.org_id.is_not(None))))
    majors = set(session.scalars(select(Talent.major).where(Talent.status == Status.PUBLISHED)))
    posts: dict[int, Internship] = {}
    for post in session.scalars(select(Internship).where(Internship.status == Status.PUBLISHED).order_by(Internship.id)):
        if post.owner_org_id not in with_accounts and majors & set(post.majors) and len(posts) < ENTERPRISES:
            posts.setdefault(post.owner_org_id, post)
    wanted = {m for p in posts.values() for m in p.majors}
    talents = list(session.scalars(select(Talent).where(Talent.status == Status.PUBLISHED, Talent.major.in_(wanted))
                                   .order_by(Talent.id).limit(STUDENTS))) if wanted else []
    if not posts or not talents:
        return None
    day = (now or utcnow()).astimezone(CHINA).date() + dt.timedelta(days=DAYS_AHEAD)
    school = session.get(Organization, talents[0].owner_org_id)
    event = fw.create_event(session, staff, NAME, _at(day, 9), capacity=200, ends_at=_at(day, 16),
                            place=f"{school.name if school else '联盟秘书处'}体育馆",
                            registration_deadline=_at(day - dt.timedelta(days=1), 18))
    fw.open_registration(session, staff, event.id)
    # The posts and students registered themselves earlier (they have no accounts in the demo).
    session.add_all(FairExhibitor(event_id=event.id, org_id=org_id) for org_id in posts)
    session.add_all(FairPost(event_id=event.id, internship_id=p.id, seats=p.seats) for p in posts.values())
    session.add_all(FairAttendee(event_id=event.id, talent_id=t.id) for t in talents)
    session.flush()
    return event
