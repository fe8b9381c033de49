"""``/panels`` and ``/panel-seats``: expert review panels — staff list and create a batch, run the
assignment, send the invitations, refill a declined seat, finish, and read each item's panel
with the 评分汇总; a reviewer lists their seats, accepts or declines one, declares a conflict of
interest, and scores an accepted seat on every criterion."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from data.enums import Role
from indexer.context import get_context
from web.api.v1.blueprint import bp, role_user, typed_body
from web.db import get_session
from web.schemas.panels import batch_detail_json, batch_json, my_seat_json
from web.services import panels

STAFF_ONLY = "只有秘书处工作人员可以管理评审批次"
EXPERTS_ONLY = "只有专家账号可以参加评审"
CREATE = {"name": str, "project_ids": list, "achievement_ids": list, "panel_size": int, "max_load": int,
          "criteria": list}


@bp.get("/panels")
def list_panels() -> ResponseReturnValue:
    found = panels.list_page(get_session(), role_user(Role.STAFF, message=STAFF_ONLY))["batches"]
    return jsonify({"total": len(found), "items": [batch_json(b) for b in found]})


@bp.post("/panels")
def create_panel() -> ResponseReturnValue:
    user = role_user(Role.STAFF, message=STAFF_ONLY)
    made = panels.create(get_session(), user, typed_body(CREATE, ("name",)))
    return jsonify(batch_json(made)), 201


@bp.get("/panels/<int:batch_id>")
def get_panel(batch_id: int) -> ResponseReturnValue:
    user = role_user(Role.STAFF, message=STAFF_ONLY)
    return jsonify(batch_detail_json(panels.batch_page(get_session(), user, batch_id)))


def _step(batch_id: int, action: str) -> ResponseReturnValue:
    user = role_user(Role.STAFF, message=STAFF_ONLY)
    message = panels.advance(get_session(), get_context(), user, batch_id, action)
    return jsonify({"message": message, **batch_detail_json(panels.batch_page(get_session(), user, batch_id))})


@bp.post("/panels/<int:batch_id>/run")
def run_panel(batch_id: int) -> ResponseReturnValue:
    """草稿 → 已分配, or again while 已分配 (a rerun)."""
    return _step(batch_id, "run")


@bp.post("/panels/<int:batch_id>/invite")
def invite_panel(batch_id: int) -> ResponseReturnValue:
    return _step(batch_id, "invite")


@bp.post("/panels/<int:batch_id>/finish")
def finish_panel(batch_id: int) -> ResponseReturnValue:
    return _step(batch_id, "finish")


@bp.post("/panels/<int:batch_id>/seats/<int:seat_id>/refill")
def refill_panel_seat(batch_id: int, seat_id: int) -> ResponseReturnValue:
    """The declined seat's slot goes to the best eligible expert; no other seat moves."""
    user = role_user(Role.STAFF, message=STAFF_ONLY)
    message = panels.refill(get_session(), get_context(), user, batch_id, seat_id)
    return jsonify({"message": message, **batch_detail_json(panels.batch_page(get_session(), user, batch_id))})


@bp.get("/panel-seats")
def list_panel_seats() -> ResponseReturnValue:
    seats = panels.my_page(get_session(), role_user(Role.EXPERT, message=EXPERTS_ONLY, staff=False))["seats"]
    return jsonify({"total": len(seats), "items": [my_seat_json(v) for v in seats]})


@bp.post("/panel-seats/<int:seat_id>/answer")
def answer_panel_seat(seat_id: int) -> ResponseReturnValue:
    user = role_user(Role.EXPERT, message=EXPERTS_ONLY, staff=False)
    body = typed_body({"accept": bool}, ("accept",))
    message = panels.answer(get_session(), user, seat_id, {"answer": "accept" if body["accept"] else "decline"})
    return jsonify({"message": message, **my_seat_json(panels.my_seat(get_session(), user, seat_id))})


@bp.post("/panel-seats/<int:seat_id>/conflict")
def declare_panel_conflict(seat_id: int) -> ResponseReturnValue:
    """The seat is declined and the expert is never proposed for that item again."""
    user = role_user(Role.EXPERT, message=EXPERTS_ONLY, staff=False)
    panels.conflict(get_session(), user, seat_id, typed_body({"note": str}, ("note",)))
    return jsonify(my_seat_json(panels.my_seat(get_session(), user, seat_id)))


@bp.put("/panel-seats/<int:seat_id>/scores")
def score_panel_seat(seat_id: int) -> ResponseReturnValue:
    """``{"scores": {"创新性": 85, …}, "comment": "…"}``: every criterion of the batch, 0–100."""
    user = role_user(Role.EXPERT, message=EXPERTS_ONLY, staff=False)
    body = typed_body({"scores": dict, "comment": str}, ("scores",))
    panels.scores(get_session(), user, seat_id, body, by_criterion=body["scores"])
    return jsonify(my_seat_json(panels.my_seat(get_session(), user, seat_id)))
