"""Review panels from the database (matcher/review_panels.py): no reviewer of the item's own
organization, a recorded cooperation or declared conflict never assigned, the metrics stored,
and a refill after a decline changes only that slot."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from data.enums import FeedbackAction, OrgKind, PanelStatus, Role, SeatStatus, Status
from data.errors import NotAllowed
from data.models import Feedback, ReviewConflict
from data.workflows import panels as pw
from matcher.review_panels import refill_seat, run_batch
from tests.makers import make_expert, make_organization, make_project, make_user


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    firm = make_organization(db, "示例装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    colleges = [make_organization(db, f"示例大学{n}", status=Status.PUBLISHED) for n in range(6)]
    staff = make_user(db, "staff", Role.STAFF)
    users = [make_user(db, f"exp{n}", Role.EXPERT, colleges[n].id) for n in range(6)]
    experts = [make_expert(db, colleges[n].id, f"专家{n}", user_id=users[n].id, status=Status.PUBLISHED,
                           research_areas=["焊接"] if n < 4 else ["机器视觉"]) for n in range(6)]
    insider = make_expert(db, firm.id, "本单位专家", status=Status.PUBLISHED, research_areas=["焊接", "机器视觉"])
    need = make_project(db, firm.id, "焊接视觉检测难题", status=Status.PUBLISHED, skills=["焊接", "机器视觉"])
    batch = pw.create_batch(db, staff, "论证", [need.id], panel_size=3, max_load=2)
    item = pw.items_of(db, batch.id)[0]
    # expert 0 cooperated with the firm before; expert 1 declared a conflict with the need
    db.add(Feedback(actor="staff", direction="need_experts", source_pool="project", source_id=need.id,
                    target_pool="expert", target_id=experts[0].id, action=FeedbackAction.COOPERATED))
    db.add(ReviewConflict(expert_id=experts[1].id, pool="project", record_id=need.id, note="亲属在该企业"))
    db.flush()
    return {"batch": batch, "item": item, "experts": experts, "insider": insider, "staff": staff, "users": users}


def test_panel_keeps_conflicts_out_and_refill_changes_one_slot(db: Session, world: dict[str, Any]) -> None:
    staff, bid, experts = world["staff"], world["batch"].id, world["experts"]
    with pytest.raises(NotAllowed):
        run_batch(db, world["users"][2], bid)
    result = run_batch(db, staff, bid)
    panel = set(result.panels[0].reviewers)
    assert len(panel) == 3
    assert world["insider"].id not in panel and experts[0].id not in panel and experts[1].id not in panel
    assert result.metrics.conflicts == 0 and result.metrics.same_organization == 0
    assert {experts[2].id, experts[3].id} <= panel  # 焊接 and, with the vision expert, both fields covered
    assert pw.get_batch(db, bid).metrics["panels"][str(world["item"].id)]["missing"] == []
    pw.invite(db, staff, bid)
    seats = {s.expert_id: s for s in pw.seats_of(db, bid)}
    leaving = seats[experts[2].id]
    pw.respond(db, world["users"][2], leaving.id, False)
    added = refill_seat(db, staff, bid, world["item"].id, experts[2].id)
    assert len(added) == 1 and added[0].expert_id not in {e.id for e in (experts[0], experts[1], experts[2])}
    assert added[0].expert_id != world["insider"].id
    after = {s.expert_id: s.status for s in pw.seats_of(db, bid)}
    assert after[experts[2].id] is SeatStatus.DECLINED
    assert after[added[0].expert_id] is SeatStatus.INVITED
    kept = panel - {experts[2].id}
    assert all(after[e] is SeatStatus.INVITED for e in kept)
    assert pw.get_batch(db, bid).status is PanelStatus.INVITED
    with pytest.raises(pw.PanelError, match="已谢绝"):
        refill_seat(db, staff, bid, world["item"].id, added[0].expert_id)


def test_a_full_panel_is_not_refilled_again(db: Session, world: dict[str, Any]) -> None:
    staff, bid = world["staff"], world["batch"].id
    run_batch(db, staff, bid)
    pw.invite(db, staff, bid)
    seat = pw.seats_of(db, bid)[0]
    pw.respond(db, world["users"][world["experts"].index(seat.expert)], seat.id, False)
    refill_seat(db, staff, bid, seat.item_id, seat.expert_id)
    assert pw.get_batch(db, bid).metrics["filled"] == 3
    with pytest.raises(pw.PanelError, match="已满员"):
        refill_seat(db, staff, bid, seat.item_id, seat.expert_id)
