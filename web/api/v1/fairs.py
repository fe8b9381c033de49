"""``/fairs``: 双选会 events — everyone signed in lists and reads the events past 草稿 (staff every
one) and, once the fair's round is published, its 现场结果; a student registers and withdraws;
an enterprise registers its published posts and withdraws them; staff check students and
enterprises in (or undo it)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from data.enums import Role
from web.api.v1.blueprint import bp, login_user, role_user, typed_body
from web.db import get_session
from web.schemas.fairs import board_json, event_detail_json, event_json, fair_post_json
from web.services import fairs

STUDENTS_ONLY = "只有学生本人可以报名双选会"
ENTERPRISES_ONLY = "只有企业用户可以为本单位岗位报名双选会"


def _event(event_id: int) -> ResponseReturnValue:
    return jsonify(event_detail_json(fairs.event_page(get_session(), login_user(), event_id)))


@bp.get("/fairs")
def list_fairs() -> ResponseReturnValue:
    page = fairs.list_page(get_session(), login_user())
    return jsonify({"total": len(page["events"]),
                    "items": [event_json(e, page["counts"][e.id]) for e in page["events"]]})


@bp.get("/fairs/<int:event_id>")
def get_fair(event_id: int) -> ResponseReturnValue:
    return _event(event_id)


@bp.get("/fairs/<int:event_id>/results")
def get_fair_results(event_id: int) -> ResponseReturnValue:
    return jsonify(board_json(fairs.results_page(get_session(), login_user(), event_id)["board"]))


@bp.post("/fairs/<int:event_id>/register")
def register_for_fair(event_id: int) -> ResponseReturnValue:
    fairs.register(get_session(), role_user(Role.STUDENT, message=STUDENTS_ONLY, staff=False), event_id)
    return _event(event_id)


@bp.post("/fairs/<int:event_id>/withdraw")
def withdraw_from_fair(event_id: int) -> ResponseReturnValue:
    fairs.withdraw(get_session(), role_user(Role.STUDENT, message=STUDENTS_ONLY, staff=False), event_id)
    return _event(event_id)


@bp.post("/fairs/<int:event_id>/posts")
def register_fair_post(event_id: int) -> ResponseReturnValue:
    """``{"internship_id": …, "seats": …}``; seats default to the post's 招收人数."""
    user = role_user(Role.ENTERPRISE, message=ENTERPRISES_ONLY, staff=False)
    body = typed_body({"internship_id": int, "seats": int}, ("internship_id",))
    return jsonify(fair_post_json(fairs.register_post(get_session(), user, event_id, body))), 201


@bp.post("/fairs/<int:event_id>/posts/<int:internship_id>/withdraw")
def withdraw_fair_post(event_id: int, internship_id: int) -> ResponseReturnValue:
    user = role_user(Role.ENTERPRISE, message=ENTERPRISES_ONLY, staff=False)
    fairs.withdraw_post(get_session(), user, event_id, internship_id)
    return _event(event_id)


@bp.post("/fairs/<int:event_id>/checkin")
def check_in_at_fair(event_id: int) -> ResponseReturnValue:
    """``{"kind": "student" | "enterprise", "record_id": talent or organization id, "undo": false}``."""
    user = role_user(Role.STAFF, message="只有秘书处工作人员可以管理双选会")
    body = typed_body({"kind": str, "record_id": int, "undo": bool}, ("kind", "record_id"))
    return jsonify({"message": fairs.check_in(get_session(), user, event_id, body)})
