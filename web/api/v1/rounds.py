"""``/rounds``: 双选 rounds — staff list, create, edit (while 草稿), open, close, run, publish and read a round with
its placements (the unplaced with the reason and the nearest posts); a student reads their
choices and result and saves ranked choices while the round is open; an enterprise reads the
round's students for its posts and marks them (优先 / 可接受 / 不接受)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from data.enums import Role
from indexer.context import get_context
from web.api.v1.blueprint import bp, login_user, role_user, typed_body
from web.db import get_session
from web.schemas.rounds import choices_json, marks_json, round_detail_json, round_json
from web.services import rounds

STAFF_ONLY = "只有秘书处工作人员可以管理双选轮次"
CREATE = {"name": str, "internship_ids": list, "talent_ids": list, "method": str, "max_choices": int, "floor": float,
          "apprentice_share": float, "school_quota": int, "school_total": int, "site_caps": dict,
          "student_deadline": str, "enterprise_deadline": str}


@bp.get("/rounds")
def list_rounds() -> ResponseReturnValue:
    found = rounds.rounds_for(get_session(), login_user())
    return jsonify({"total": len(found), "items": [round_json(r) for r in found]})


@bp.post("/rounds")
def create_round() -> ResponseReturnValue:
    user = role_user(Role.STAFF, message=STAFF_ONLY)
    made = rounds.create(get_session(), user, typed_body(CREATE, ("name", "internship_ids", "talent_ids")))
    return jsonify(round_json(made)), 201


@bp.get("/rounds/<int:round_id>")
def get_round(round_id: int) -> ResponseReturnValue:
    return jsonify(round_detail_json(rounds.round_page(get_session(), login_user(), round_id)))


@bp.put("/rounds/<int:round_id>")
def update_round(round_id: int) -> ResponseReturnValue:
    """A draft round as a whole, the body of ``POST /rounds`` (a member left out takes its
    default); 400 with ``field: status`` once the round is open."""
    user = role_user(Role.STAFF, message=STAFF_ONLY)
    rounds.update(get_session(), user, round_id, typed_body(CREATE, ("name", "internship_ids", "talent_ids")))
    return jsonify(round_detail_json(rounds.round_page(get_session(), user, round_id)))


def _step(round_id: int, action: str) -> ResponseReturnValue:
    user = role_user(Role.STAFF, message=STAFF_ONLY)
    message = rounds.advance(get_session(), get_context(), user, round_id, action)
    return jsonify({"message": message, **round_detail_json(rounds.round_page(get_session(), user, round_id))})


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int) -> ResponseReturnValue:
    """草稿 → 开放填报 (the students are told)."""
    return _step(round_id, "open")


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int) -> ResponseReturnValue:
    return _step(round_id, "close")


@bp.post("/rounds/<int:round_id>/run")
def run_round(round_id: int) -> ResponseReturnValue:
    """填报截止 → 已分配, or again while 已分配 (a rerun)."""
    return _step(round_id, "run")


@bp.post("/rounds/<int:round_id>/publish")
def publish_round(round_id: int) -> ResponseReturnValue:
    return _step(round_id, "publish")


@bp.get("/rounds/<int:round_id>/choices")
def get_round_choices(round_id: int) -> ResponseReturnValue:
    user = role_user(Role.STUDENT, message="只有学生本人可以填报志愿", staff=False)
    return jsonify(choices_json(rounds.choices_page(get_session(), get_context(), user, round_id)))


@bp.put("/rounds/<int:round_id>/choices")
def save_round_choices(round_id: int) -> ResponseReturnValue:
    user = role_user(Role.STUDENT, message="只有学生本人可以填报志愿", staff=False)
    body = typed_body({"choices": list}, ("choices",))
    rounds.save_choices(get_session(), user, round_id, {}, choices=body["choices"])
    return jsonify(choices_json(rounds.choices_page(get_session(), get_context(), user, round_id)))


@bp.get("/rounds/<int:round_id>/marks")
def get_round_marks(round_id: int) -> ResponseReturnValue:
    user = role_user(Role.ENTERPRISE, message="只有岗位所属企业可以标记申请人")
    return jsonify(marks_json(rounds.marks_page(get_session(), user, round_id)))


@bp.put("/rounds/<int:round_id>/marks/<int:internship_id>")
def save_round_marks(round_id: int, internship_id: int) -> ResponseReturnValue:
    """``{"marks": {"<talent id>": "preferred" | "acceptable" | "not_acceptable" | 中文 | null}}``;
    null or "" clears a mark (unmarked counts as 可接受); students not named keep theirs."""
    user = role_user(Role.ENTERPRISE, message="只有岗位所属企业可以标记申请人")
    body = typed_body({"marks": dict}, ("marks",))
    rounds.save_marks(get_session(), user, round_id, internship_id, {}, marks=body["marks"])
    return jsonify(marks_json(rounds.marks_page(get_session(), user, round_id)))
