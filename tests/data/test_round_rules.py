"""A round's rules as staff set them (data/workflows/rounds.py): site caps typed by place name or
code, the school total, the apprentice share; a draft round edited as a whole (name, posts,
students, rules) with an audit entry, refused once open; a post brings only the seats no offer
holds yet."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import ApplicationStatus, AuditAction, JobKind, OrgKind, Role, RoundStatus, Status
from data.errors import NotAllowed
from data.models import Application, AuditEntry
from data.workflows import rounds as rw
from data.workflows.round_rules import RoundError, site_of
from tests.makers import make_internship, make_organization, make_talent, make_user


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    school = make_organization(db, "示例职业学院", status=Status.PUBLISHED)
    maker = make_organization(db, "示例装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    staff, hr = make_user(db, "staff", Role.STAFF), make_user(db, "hr", Role.ENTERPRISE, maker.id)
    posts = [make_internship(db, maker.id, "广州岗位", status=Status.PUBLISHED, seats=3, region_code="440106"),
             make_internship(db, maker.id, "深圳学徒岗", status=Status.PUBLISHED, seats=2, region_code="440300",
                             job_kind=JobKind.APPRENTICESHIP),
             make_internship(db, maker.id, "佛山岗位", status=Status.PUBLISHED, seats=1, region_code="440600")]
    talents = [make_talent(db, school.id, f"学生{n}", status=Status.PUBLISHED) for n in range(3)]
    return {"staff": staff, "hr": hr, "posts": posts, "talents": talents, "school": school}


def _create(db: Session, world: dict[str, Any], **rules: Any) -> Any:
    return rw.create_round(db, world["staff"], "2027 暑期双选", [p.id for p in world["posts"][:2]],
                           [t.id for t in world["talents"][:2]], **rules)


def test_rules_are_stored_with_the_round_places_by_name_or_code(db: Session, world: dict[str, Any]) -> None:
    made = _create(db, world, apprentice_share=0.2, school_total=4, school_quota=1, site_caps="广州市 2\n440300：1")
    assert (made.apprentice_share, made.school_total, made.school_quota) == (0.2, 4, 1)
    assert made.site_caps == {"440100": 2, "440300": 1}
    assert _create(db, world, site_caps={"广东省深圳市": 0}).site_caps == {"440300": 0}
    assert site_of("440106", made.site_caps) == "440100" and site_of("440600", made.site_caps) is None
    assert site_of(None, made.site_caps) is None


@pytest.mark.parametrize(("rules", "field", "words"), [
    ({"site_caps": "广东省 3\n广州市 2"}, "site_caps", "位于 440000 之内"),
    ({"site_caps": "火星 1"}, "site_caps", "未知地区「火星」"),
    ({"site_caps": "广州市 两个"}, "site_caps", "人数应为 0 到 100000 的整数"),
    ({"site_caps": {"广州市": -1}}, "site_caps", "人数应为 0 到 100000 的整数"),
    ({"site_caps": {"广州市": True}}, "site_caps", "人数应为"),
    ({"site_caps": "广州市 1\n440100 2"}, "site_caps", "重复"),
    ({"site_caps": "5"}, "site_caps", "应写成「地点 人数」"),
    ({"school_total": -1}, "school_total", "每所学校的名额不能为负数"),
    ({"apprentice_share": 1.5}, "apprentice_share", "学徒岗比例应在 0 到 1 之间"),
])
def test_bad_rules_are_refused_naming_the_field(db: Session, world: dict[str, Any], rules: dict[str, Any], field: str,
                                                 words: str) -> None:
    with pytest.raises(RoundError, match=words) as caught:
        _create(db, world, **rules)
    assert caught.value.field == field


def test_a_post_brings_the_seats_no_offer_holds(db: Session, world: dict[str, Any]) -> None:
    post, talents = world["posts"][0], world["talents"]
    db.add_all([Application(talent_id=talents[0].id, internship_id=post.id, status=ApplicationStatus.ACCEPTED),
                Application(talent_id=talents[1].id, internship_id=post.id, status=ApplicationStatus.CONFIRMED),
                Application(talent_id=talents[2].id, internship_id=post.id, status=ApplicationStatus.SUBMITTED)])
    db.flush()
    made = _create(db, world)
    assert {p.internship_id: p.seats for p in rw.posts_of(db, made.id)} == {post.id: 1, world["posts"][1].id: 2}
    db.add(Application(talent_id=talents[2].id, internship_id=world["posts"][2].id, status=ApplicationStatus.CONFIRMED))
    db.flush()
    full = rw.create_round(db, world["staff"], "x", [world["posts"][2].id], [talents[0].id])
    assert [p.seats for p in rw.posts_of(db, full.id)] == [0]  # all taken: the post takes nobody


def test_a_draft_is_edited_as_a_whole_and_audited(db: Session, world: dict[str, Any]) -> None:
    posts, talents, staff = world["posts"], world["talents"], world["staff"]
    made = rw.create_round(db, staff, "初稿", [posts[0].id, posts[1].id], [talents[0].id, talents[1].id],
                           seats={posts[0].id: 1, posts[1].id: 2})
    changed = rw.update_round(db, staff, made.id, "定稿", [posts[1].id, posts[2].id], [talents[1].id, talents[2].id],
                              method="welfare", max_choices=3, floor=0.4, apprentice_share=0.5, school_total=2,
                              site_caps="深圳市 1")
    assert (changed.name, changed.method.value, changed.max_choices, changed.floor) == ("定稿", "welfare", 3, 0.4)
    assert (changed.apprentice_share, changed.school_total, changed.site_caps) == (0.5, 2, {"440300": 1})
    # the post that stays keeps its seats; the new one brings its own
    assert {p.internship_id: p.seats for p in rw.posts_of(db, made.id)} == {posts[1].id: 2, posts[2].id: 1}
    assert [s.talent_id for s in rw.students_of(db, made.id)] == [talents[1].id, talents[2].id]
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.ROUND.value)
                       .order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.summary == "修改双选轮次「定稿」（草稿）"
    assert entry.before is not None and entry.before["名称"] == "初稿" and entry.before["岗位"] == [posts[0].id, posts[1].id]
    assert entry.after is not None and entry.after["场地容量"] == {"440300": 1} and entry.after["每校名额"] == 2


def test_editing_is_refused_once_open_for_others_and_on_bad_input(db: Session, world: dict[str, Any]) -> None:
    made, posts, talents = _create(db, world), world["posts"], world["talents"]
    with pytest.raises(NotAllowed):
        rw.update_round(db, world["hr"], made.id, "x", [posts[0].id], [talents[0].id])
    with pytest.raises(RoundError, match="没有编号为 999999 的已发布岗位"):
        rw.update_round(db, world["staff"], made.id, "x", [999999], [talents[0].id])
    with pytest.raises(RoundError, match="请至少选择一个学生"):
        rw.update_round(db, world["staff"], made.id, "x", [posts[0].id], [])
    assert rw.get_round(db, made.id).name == "2027 暑期双选"  # nothing half-written
    rw.open_round(db, world["staff"], made.id)
    with pytest.raises(RoundError, match="只有草稿可以修改") as caught:
        rw.update_round(db, world["staff"], made.id, "x", [posts[0].id], [talents[0].id])
    assert caught.value.field == "status" and rw.get_round(db, made.id).status is RoundStatus.OPEN
