"""Subscriptions (matcher/watch.py, data/workflows/subscriptions.py): a new match above the
user's score is told once, with its score and reasons; what the user may not see is never
told; a followed record that goes away stops its subscription."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from data.db import session_scope
from data.enums import NotificationKind, OrgKind, ProjectKind, Role, Status, Visibility
from data.errors import NotAllowed, NotFound
from data.keys import natural_key
from data.models import Achievement, Notification, Organization, Project, Subscription, User
from data.pools import Pool
from data.workflows import subscriptions as subs
from data.workflows.accounts import create_user
from data.workflows.subscriptions import SubscriptionError
from indexer.context import get_context
from indexer.operations import rebuild_pool
from matcher.watch import run_round
from tests.indexer.records import add_achievement, add_org
from web.cli import cli


def _enterprise_user() -> tuple[int, int]:
    with session_scope() as s:
        org = Organization(name="示例农业科技有限公司", kind=OrgKind.ENTERPRISE, natural_key=natural_key("示例农业科技有限公司", None, None))
        s.add(org)
        s.flush()
        user = create_user(s, "qiye", "secret-pass", "农业公司", Role.ENTERPRISE, org.id)
        return org.id, user.id


def _round() -> tuple[int, int]:
    rebuild_pool(get_context(), Pool.ACHIEVEMENT)
    with session_scope() as s:
        report = run_round(s, get_context())
        return report.told, report.messages


def _messages(user_id: int) -> list[Notification]:
    with session_scope() as s:
        found = list(s.scalars(select(Notification).where(Notification.user_id == user_id,
                                                          Notification.kind == NotificationKind.SUBSCRIPTION)))
        s.expunge_all()
        return found


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_a_search_subscription_tells_each_new_match_once(live_db: str) -> None:
    org, user_id = _enterprise_user()
    college = add_org()
    add_achievement(college, "视觉")  # there before the subscription: not new
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        subs.follow_search(s, user, "农产品溯源 区块链", Pool.ACHIEVEMENT, min_score=30)
    assert _round() == (0, 0)
    other = add_org("另一所大学")
    hidden = add_achievement(other, "发酵", visibility=Visibility.PRIVATE)  # not the user's to see
    found = add_achievement(college, "区块链")
    assert _round() == (1, 1)
    [message] = _messages(user_id)
    assert message.title == "「搜索「农产品溯源 区块链」（成果库）」有 1 条新的匹配"
    assert "基于区块链的农产品质量溯源平台（匹配度" in message.body and "命中关键词" in message.body
    assert message.link == f"/pool/achievement/{found}"
    assert _round() == (0, 0)  # told once
    with session_scope() as s:  # an edit makes it changed again, but it was told already
        record = s.get(Achievement, found)
        assert record is not None
        record.description += "支持扫码查询。"
    assert _round() == (0, 0)
    assert all(str(hidden) not in m.link for m in _messages(user_id))


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_a_record_subscription_follows_its_direction_and_stops_when_the_record_goes(live_db: str) -> None:
    org, user_id = _enterprise_user()
    with session_scope() as s:
        need = Project(name="农产品质量追溯系统建设", description="需要把种植、加工、物流数据上链，做到全程可追溯。",
                       owner_org_id=org, project_kind=ProjectKind.TECH_PROBLEM, natural_key="need-trace",
                       status=Status.PUBLISHED)
        s.add(need)
        s.flush()
        need_id = need.id
        user = s.get(User, user_id)
        assert user is not None
        sub = subs.follow_record(s, user, need, "need_achievements", "需求「农产品质量追溯系统建设」的匹配成果", min_score=20)
        assert subs.follow_record(s, user, need, "need_achievements", "同一个", min_score=25).id == sub.id  # no twin
        assert set(subs.following(s, user, Pool.PROJECT, need_id)) == {"need_achievements"}
    rebuild_pool(get_context(), Pool.PROJECT)
    add_achievement(add_org(), "区块链")
    assert _round() == (1, 1)
    assert "匹配度" in _messages(user_id)[0].body
    with session_scope() as s:
        doomed = s.get(Project, need_id)
        assert doomed is not None
        s.delete(doomed)  # its subscription dies with it (data.models.dependents)
    with session_scope() as s:
        assert s.scalars(select(Subscription)).all() == []


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_bad_subscriptions_say_which_field(live_db: str) -> None:
    org, user_id = _enterprise_user()
    other_org = add_org("另一所大学")
    theirs = add_achievement(other_org, "视觉")
    with session_scope() as s:
        user = s.get(User, user_id)
        record = s.get(Achievement, theirs)
        assert user is not None and record is not None
        with pytest.raises(NotAllowed):
            subs.follow_record(s, user, record, "achievement_enterprises", "别人的成果")
        with pytest.raises(SubscriptionError) as direction:
            subs.follow_record(s, user, record, "no_such_direction", "x")
        assert direction.value.field == "direction"
        for bad in ("abc", "-1", "101", "nan"):
            with pytest.raises(SubscriptionError) as score:
                subs.follow_search(s, user, "区块链", None, min_score=bad)
            assert score.value.field == "min_score", bad
        with pytest.raises(SubscriptionError) as empty:
            subs.follow_search(s, user, "   ", None)
        assert empty.value.field == "q"
        with pytest.raises(NotFound):
            subs.unfollow(s, user, 2**40)
        mine = subs.follow_search(s, user, "区块链", None)
        assert mine.label == "搜索「区块链」" and mine.min_score == subs.DEFAULT_MIN_SCORE
        for i in range(subs.MAX_PER_USER - 1):
            subs.follow_search(s, user, f"检索{i}", None)
        with pytest.raises(SubscriptionError) as full:
            subs.follow_search(s, user, "再多一个", None)
        assert full.value.field == "subscription"
        subs.unfollow(s, user, mine.id)
        assert len(subs.subscriptions_of(s, user)) == subs.MAX_PER_USER - 1


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_notify_run_by_hand(live_db: str) -> None:
    result = CliRunner().invoke(cli, ["notify", "run"])
    assert result.exit_code == 0, result.output
    assert "订阅 0 个，新匹配 0 条" in result.output and "邮件：发送 0 封" in result.output


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_a_match_indexed_after_a_round_is_still_told(live_db: str) -> None:
    """The index follows a commit a little later: a round that runs in between must not make
    the record old for the next one."""
    _, user_id = _enterprise_user()
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        subs.follow_search(s, user, "农产品溯源 区块链", Pool.ACHIEVEMENT, min_score=30)
    rebuild_pool(get_context(), Pool.ACHIEVEMENT)
    add_achievement(add_org(), "区块链")  # committed, not yet indexed
    with session_scope() as s:
        assert run_round(s, get_context()).told == 0
    assert _round() == (1, 1)


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_a_quiet_round_ranks_nothing(live_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.watch as watch

    _, user_id = _enterprise_user()
    college = add_org()
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        subs.follow_search(s, user, "区块链", Pool.ACHIEVEMENT, min_score=30)
    ranked: list[int] = []
    real = watch._candidates
    monkeypatch.setattr(watch, "_candidates", lambda s, ctx, sub, *a: ranked.append(sub.id) or real(s, ctx, sub, *a))
    monkeypatch.setattr(watch, "INDEX_LAG", dt.timedelta(0))
    assert _round() == (0, 0) and ranked == []  # nothing published since it was made
    found = add_achievement(college, "区块链")
    assert _round() == (1, 1) and len(ranked) == 1
    assert _round() == (0, 0) and len(ranked) == 1  # nothing new since: not ranked again
    with session_scope() as s:  # a change in another pool does not wake a search of 成果库
        s.add(Project(name="新需求", owner_org_id=college, project_kind=ProjectKind.TECH_PROBLEM,
                      natural_key=natural_key("新需求", None, None)))
    assert _round() == (0, 0) and len(ranked) == 1
    with session_scope() as s:
        record = s.get(Achievement, found)
        assert record is not None
        record.description += "支持扫码查询。"
    assert _round() == (0, 0) and len(ranked) == 2  # changed: ranked again, but told already
