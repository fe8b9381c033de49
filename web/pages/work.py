"""Organizations at work: answering applications, 教师企业实践 proposals, an expert's own profile."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from data.enums import ApplicationRejection, EducationLevel, Role
from data.workflows.proposals import proposals_for
from indexer.context import get_context
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp, form_id
from web.services import applications, proposals as practice, records
from web.viewer import current_viewer, logged_in_user


@bp.get("/org/applications")
@roles_required(Role.ENTERPRISE)
def org_applications() -> ResponseReturnValue:
    filters = applications.parse_filters(request.args)
    found = applications.list_applications(get_session(), get_context(), logged_in_user(), current_viewer(), filters)
    return render_template("org_applications.html", found=found, filters=filters.args(), levels=list(EducationLevel),
                           reasons=list(ApplicationRejection))


@bp.post("/org/applications/<int:application_id>")
@roles_required(Role.ENTERPRISE)
def org_decide_application(application_id: int) -> ResponseReturnValue:
    application = applications.decide(get_session(), logged_in_user(), application_id,
                                      request.form.get("decision") == "accept", request.form.get("reason"),
                                      request.form.get("note", ""))
    flash(f"已处理：{application.talent.name} · {application.status.label}")
    return redirect(url_for("pages.org_applications"))


@bp.get("/proposals")
@roles_required(Role.COLLEGE, Role.ENTERPRISE)
def proposals() -> ResponseReturnValue:
    sent, received = proposals_for(get_session(), logged_in_user())
    return render_template("proposals.html", sent=sent, received=received)


@bp.post("/proposals")
@roles_required(Role.COLLEGE)
def proposal_new() -> ResponseReturnValue:
    proposal = practice.propose(get_session(), logged_in_user(), form_id("teacher_id"), form_id("enterprise_id"),
                                request.form.get("message", ""))
    flash(f"已向「{proposal.enterprise.name}」推荐教师「{proposal.teacher.name}」参加企业实践，等待企业答复")
    return redirect(url_for("pages.proposals"))


@bp.post("/proposals/<int:proposal_id>/answer")
@roles_required(Role.ENTERPRISE)
def proposal_answer(proposal_id: int) -> ResponseReturnValue:
    proposal = practice.answer(get_session(), logged_in_user(), proposal_id, request.form.get("decision") == "accept",
                               request.form.get("reply", ""))
    flash(f"已答复：{proposal.status.label}")
    return redirect(url_for("pages.proposals"))


@bp.post("/proposals/<int:proposal_id>/withdraw")
@roles_required(Role.COLLEGE)
def proposal_withdraw(proposal_id: int) -> ResponseReturnValue:
    practice.withdraw(get_session(), logged_in_user(), proposal_id)
    flash("推荐已撤回")
    return redirect(url_for("pages.proposals"))


@bp.get("/me/profile")
@roles_required(Role.EXPERT)
def my_profile() -> ResponseReturnValue:
    """An expert's or teacher's own record, with the projects that need them; or a form to create it."""
    found = records.own_profile(get_session(), logged_in_user())
    if found is not None:
        return redirect(url_for("pages.detail", pool_name=found[0].value, record_id=found[1]) + "#recs")
    flash("还没有您的专家档案，请先填写")
    return redirect(url_for("pages.new_record", pool_name="expert"))
