"""The demo's 双选会: open two weeks after the build, a post from each enterprise without a demo
account whose majors some student has, the students of those majors registered; the same posts
and students on every build; none when a fair exists or there is no staff to create it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data.db import session_scope
from data.enums import AuditAction, FairStatus, Role
from data.models import AuditEntry, FairAttendee, FairPost, Talent
from data.workflows import fairs as fw
from data.workflows.sample_fair import add_sample_fair
from tests.makers import make_user
from tests.matcher.world import build_world

NOW = dt.datetime(2026, 12, 6, 2, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)
def test_the_demo_fair_is_open_with_posts_and_students(live_db: str) -> None:
    world = build_world()
    with session_scope() as s:
        assert add_sample_fair(s, NOW) is None  # no staff yet
        make_user(s, "staff", Role.STAFF)
        make_user(s, "food_hr", Role.ENTERPRISE, world.ids["food"])  # an enterprise with an account brings its own
        event = add_sample_fair(s, NOW)
        assert event is not None and event.status is FairStatus.OPEN and fw.registration_closed(event, NOW) == ""
        assert event.starts_at.astimezone(dt.timezone.utc) == dt.datetime(2026, 12, 20, 1, tzinfo=dt.timezone.utc)
        posts = s.scalars(select(FairPost.internship_id).where(FairPost.event_id == event.id)).all()
        assert posts == [world.ids["post"]]  # the maker's (the food enterprise has an account)
        students = s.scalars(select(Talent.major).join(FairAttendee, FairAttendee.talent_id == Talent.id)).all()
        assert students and set(students) == {"工业机器人技术"}
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == AuditAction.FAIR)) is not None
        assert add_sample_fair(s, NOW) is None  # once
