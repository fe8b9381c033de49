"""``/applications``: a student's applications or those an organization received (ranked by the
two-sided fit, filtered), one with its messages, and every step on it: apply, interview,
decision, the student's answer to an offer, withdrawal, a message."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from data.enums import ApplicationStatus, Role
from data.models import Application
from indexer.context import get_context
from web.api.v1.blueprint import bp, json_body, login_user
from web.boundary import parse_id
from web.db import get_session
from web.errors import AppError
from web.schemas.applications import application_json, message_json
from web.services import applications
from web.viewer import current_viewer


def _text(body: dict[str, Any], name: str, required: bool = False) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise AppError(400, f"「{name}」应为文本", name)
    return value


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise AppError(400, f"「{name}」应为 true 或 false", name)
    return value


def _one(application: Application, side: str, status: int = 200) -> ResponseReturnValue:
    return jsonify(application_json(application, side, applications.actions_for(application, side),
                                    resume=applications.resume_of(application))), status


@bp.get("/applications")
def list_applications() -> ResponseReturnValue:
    user = login_user()
    found = applications.list_applications(get_session(), get_context(), user, current_viewer(),
                                           applications.parse_filters(request.args))
    items = [application_json(r.application, found.side, applications.actions_for(r.application, found.side), fit=r.fit)
             for r in found.rows]
    return jsonify({"side": found.side, "total": len(items), "items": items, "notice": found.problem})


@bp.get("/applications/<int:application_id>")
def get_application(application_id: int) -> ResponseReturnValue:
    view = applications.open_application(get_session(), login_user(), application_id)
    return jsonify(application_json(view.application, view.side, view.actions, resume=view.resume,
                                    messages=view.messages))


@bp.post("/applications")
def create_application() -> ResponseReturnValue:
    user, body = login_user(), json_body()
    if user.role is not Role.STUDENT:
        raise AppError(403, "只有学生账号可以申请岗位")
    internship_id = parse_id(body.get("internship_id"), "internship_id")
    application = applications.apply(get_session(), user, internship_id, current_viewer(), _text(body, "cover_letter"))
    return _one(application, "student", 201)


@bp.post("/applications/<int:application_id>/interview")
def application_interview_api(application_id: int) -> ResponseReturnValue:
    user = login_user()
    applications.require(get_session(), user, application_id, "org", ApplicationStatus.INTERVIEW)
    body = json_body()
    application = applications.invite(get_session(), user, application_id, body.get("interview_at"),
                                      _text(body, "interview_place"), _text(body, "interview_note"))
    return _one(application, "org")


@bp.post("/applications/<int:application_id>/decision")
def application_decision_api(application_id: int) -> ResponseReturnValue:
    user = login_user()
    applications.require(get_session(), user, application_id, "org")
    body = json_body()
    application = applications.decide(get_session(), user, application_id, _flag(body, "accept"),
                                      _text(body, "reason") or None, _text(body, "note"))
    return _one(application, "org")


@bp.post("/applications/<int:application_id>/offer")
def application_offer_api(application_id: int) -> ResponseReturnValue:
    user = login_user()
    applications.require(get_session(), user, application_id, "student")
    body = json_body()
    application = applications.answer_offer(get_session(), user, application_id, _flag(body, "accept"))
    return _one(application, "student")


@bp.post("/applications/<int:application_id>/withdraw")
def application_withdraw_api(application_id: int) -> ResponseReturnValue:
    application = applications.withdraw(get_session(), login_user(), application_id)
    return _one(application, "student")


@bp.post("/applications/<int:application_id>/messages")
def application_message_api(application_id: int) -> ResponseReturnValue:
    user = login_user()
    applications.require(get_session(), user, application_id)
    body = json_body()
    message = applications.write(get_session(), user, application_id, _text(body, "text", required=True))
    return jsonify(message_json(message)), 201
