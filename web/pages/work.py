"""Organizations at work: answering applications, 教师企业实践 proposals, an expert's own profile."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from data.enums import Role
from data.models import Expert, Teacher
from data.workflows.proposals import answer, propose, proposals_for, withdraw
from data.workflows.students import decide_application, received_applications
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp, form_id


@bp.get("/org/applications")
@roles_required(Role.ENTERPRISE)
def org_applications():  # type: ignore[no-untyped-def]
    return render_template("org_applications.html", items=received_applications(get_session(), current_user))


@bp.post("/org/applications/<int:application_id>")
@roles_required(Role.ENTERPRISE)
def org_decide_application(application_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    application = decide_application(session, current_user, application_id, request.form.get("decision") == "accept")
    session.commit()
    flash(f"已处理：{application.talent.name} · {application.status.label}")
    return redirect(url_for("pages.org_applications"))


@bp.get("/proposals")
@roles_required(Role.COLLEGE, Role.ENTERPRISE)
def proposals():  # type: ignore[no-untyped-def]
    sent, received = proposals_for(get_session(), current_user)
    return render_template("proposals.html", sent=sent, received=received)


@bp.post("/proposals")
@roles_required(Role.COLLEGE)
def proposal_new():  # type: ignore[no-untyped-def]
    session = get_session()
    proposal = propose(session, current_user, form_id("teacher_id"), form_id("enterprise_id"), request.form.get("message", ""))
    session.commit()
    flash(f"已向「{proposal.enterprise.name}」推荐教师「{proposal.teacher.name}」参加企业实践，等待企业答复")
    return redirect(url_for("pages.proposals"))


@bp.post("/proposals/<int:proposal_id>/answer")
@roles_required(Role.ENTERPRISE)
def proposal_answer(proposal_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    proposal = answer(session, current_user, proposal_id, request.form.get("decision") == "accept",
                      request.form.get("reply", ""))
    session.commit()
    flash(f"已答复：{proposal.status.label}")
    return redirect(url_for("pages.proposals"))


@bp.post("/proposals/<int:proposal_id>/withdraw")
@roles_required(Role.COLLEGE)
def proposal_withdraw(proposal_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    withdraw(session, current_user, proposal_id)
    session.commit()
    flash("推荐已撤回")
    return redirect(url_for("pages.proposals"))


@bp.get("/me/profile")
@roles_required(Role.EXPERT)
def my_profile():  # type: ignore[no-untyped-def]
    """An expert's or teacher's own record, with the projects that need them; or a form to create it."""
    session = get_session()
    for pool_name, model in (("expert", Expert), ("teacher", Teacher)):
        record_id = session.scalar(select(model.id).where(model.user_id == current_user.id))
        if record_id is not None:
            return redirect(url_for("pages.detail", pool_name=pool_name, record_id=record_id) + "#recs")
    flash("还没有您的专家档案，请先填写")
    return redirect(url_for("pages.new_record", pool_name="expert"))
