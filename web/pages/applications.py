"""Applications: one application's page for both sides (the résumé as sent, the cover letter, the
status, the messages) and each side's steps on it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from data.enums import ApplicationRejection, Role
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.services import applications
from web.viewer import logged_in_user


def _back(application_id: int) -> ResponseReturnValue:
    return redirect(url_for("pages.application_page", application_id=application_id))


@bp.get("/applications/<int:application_id>")
@roles_required(Role.STUDENT, Role.ENTERPRISE)
def application_page(application_id: int) -> ResponseReturnValue:
    view = applications.open_application(get_session(), logged_in_user(), application_id)
    return render_template("application.html", view=view, a=view.application, reasons=list(ApplicationRejection))


@bp.post("/applications/<int:application_id>/interview")
@roles_required(Role.ENTERPRISE)
def application_interview(application_id: int) -> ResponseReturnValue:
    form = request.form
    application = applications.invite(get_session(), logged_in_user(), application_id, form.get("interview_at", ""),
                                      form.get("interview_place", ""), form.get("interview_note", ""))
    flash(f"已向「{application.talent.name}」发出面试邀请")
    return _back(application_id)


@bp.post("/applications/<int:application_id>/decision")
@roles_required(Role.ENTERPRISE)
def application_decision(application_id: int) -> ResponseReturnValue:
    form = request.form
    application = applications.decide(get_session(), logged_in_user(), application_id, form.get("decision") == "accept",
                                      form.get("reason"), form.get("note", ""))
    flash(f"已处理：{application.talent.name} · {application.status.label}")
    return _back(application_id)


@bp.post("/applications/<int:application_id>/offer")
@roles_required(Role.STUDENT)
def application_offer(application_id: int) -> ResponseReturnValue:
    application = applications.answer_offer(get_session(), logged_in_user(), application_id,
                                            request.form.get("answer") == "accept")
    flash(f"「{application.internship.name}」：{application.status.label}")
    return _back(application_id)


@bp.post("/applications/<int:application_id>/withdraw")
@roles_required(Role.STUDENT)
def application_withdraw(application_id: int) -> ResponseReturnValue:
    application = applications.withdraw(get_session(), logged_in_user(), application_id)
    flash(f"已撤回对「{application.internship.name}」的申请")
    return redirect(url_for("pages.student_applications"))


@bp.post("/applications/<int:application_id>/messages")
@roles_required(Role.STUDENT, Role.ENTERPRISE)
def application_message(application_id: int) -> ResponseReturnValue:
    applications.write(get_session(), logged_in_user(), application_id, request.form.get("text", ""))
    flash("留言已发送")
    return redirect(url_for("pages.application_page", application_id=application_id) + "#messages")
