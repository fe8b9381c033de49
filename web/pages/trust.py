"""Trust: consent-gated contact, a person's own data, and alliance membership."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from data.enums import MemberLevel, Role
from data.models import Organization
from data.reference.regions import get_region
from data.workflows import contacts, joining, membership
from data.workflows.accounts import check_password
from data.workflows.privacy import delete_account, personal_data
from web import services
from web.auth import roles_required
from web.db import get_session
from web.errors import AppError
from web.pages.blueprint import bp, form_id
from web.viewer import current_viewer


@bp.post("/contact/<pool_name>/<int:record_id>")
@login_required
def contact_request(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    session = get_session()
    record = services.get_record(session, pool, record_id, current_viewer())
    contacts.request_contact(session, current_user, pool, record, request.form.get("purpose", ""),
                             request.form.get("message", ""))
    session.commit()
    flash("已发送联系申请，对方同意后可在此查看联系方式")
    return redirect(url_for("pages.detail", pool_name=pool.value, record_id=record_id) + "#contact")


@bp.get("/contacts")
@login_required
def contact_list():  # type: ignore[no-untyped-def]
    session = get_session()
    sent, received = contacts.requests_for(session, current_user)
    return render_template("contacts.html", sent=sent, received=received,
                           names=contacts.target_names(session, sent + received))


@bp.post("/contacts/<int:request_id>/answer")
@login_required
def contact_answer(request_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    item = contacts.answer(session, current_user, request_id, request.form.get("decision") == "accept",
                           request.form.get("reply", ""))
    session.commit()
    flash(f"已答复：{item.status.label}")
    return redirect(url_for("pages.contact_list"))


@bp.post("/contacts/<int:request_id>/revoke")
@login_required
def contact_revoke(request_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    item = contacts.revoke(session, current_user, request_id)
    session.commit()
    flash(item.status.label)
    return redirect(url_for("pages.contact_list"))


@bp.get("/me/data.json")
@login_required
def my_data():  # type: ignore[no-untyped-def]
    session = get_session()
    data = personal_data(session, current_user)
    session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=chanjiao-{current_user.username}.json"})


@bp.route("/me/delete", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def delete_me():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return render_template("delete_account.html", error=None)
    if not check_password(current_user, request.form.get("password", "")):
        return render_template("delete_account.html", error="密码不正确，账号未注销"), 400
    session = get_session()
    delete_account(session, current_user._get_current_object())
    session.commit()
    logout_user()
    flash("账号已注销，您的档案、申请与联系记录已删除")
    return redirect(url_for("pages.home"))


@bp.route("/membership", methods=["GET", "POST"])
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def membership_page():  # type: ignore[no-untyped-def]
    session = get_session()
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "apply":
            membership.apply_to_join(session, current_user, request.form.get("level", ""), request.form.get("materials", ""))
            flash("入会申请已提交，等待秘书处初审")
        elif action == "resubmit":
            membership.resubmit(session, current_user, form_id("case_id"), request.form.get("materials", ""))
            flash("已重新提交")
        elif action == "notice":
            if request.form.get("confirm") != "yes":
                raise AppError(400, "请勾选确认后再申请退出联盟", "confirm")
            org = membership.give_notice(session, current_user)
            flash(f"已申请退出，将于 {org.withdrawal_effective_on} 生效")
        elif action == "vote":
            case = membership.vote(session, current_user, form_id("case_id"), request.form.get("decision") == "approve",
                                   request.form.get("comment", ""))
            flash(f"已表决；当前状态：{case.status.label}")
        else:
            raise AppError(400, "未知的操作", "action")
        session.commit()
        return redirect(url_for("pages.membership_page"))
    org = session.get(Organization, current_user.org_id) if current_user.org_id else None
    if org is None:
        raise AppError(400, "账号未关联单位")
    ballots = membership.ballots(session, current_user.org_id)
    own_cases = membership.cases_of(session, org.id)
    events = membership.history(session, org.id, mark_read=True)
    session.commit()
    return render_template("membership.html", org=org, events=events, cases=own_cases, ballots=ballots,
                           levels=list(MemberLevel))


@bp.route("/staff/membership", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def staff_membership():  # type: ignore[no-untyped-def]
    session = get_session()
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "review":
            case = membership.preliminary_review(session, current_user, form_id("case_id"), request.form.get("decision", ""),
                                                 request.form.get("reason", ""))
            flash(f"初审完成：{case.status.label}")
        elif action == "join":
            application_id = form_id("application_id")
            try:
                application = joining.decide_application(session, current_user, application_id,
                                                         request.form.get("decision") == "approve", request.form.get("reason", ""))
            except joining.JoinError as exc:  # shown beside the application, the form kept
                session.rollback()
                return _staff_membership(session, {application_id: str(exc)}), 400
            flash(f"「{application.org_name}」的入驻申请{application.status.label}"
                  + ("：单位已发布，入会申请已转入初审" if application.case_id else ""))
        elif action == "expel":
            membership.propose_expulsion(session, current_user, form_id("org_id"), request.form.get("reason", ""))
            flash("除名动议已提交理事会表决")
        elif action == "fee":
            try:
                paid = dt.date.fromisoformat(request.form.get("paid_on", "") or dt.date.today().isoformat())
            except ValueError as exc:
                raise AppError(400, "缴费日期应写成 2026-11-22", "paid_on") from exc
            org = membership.record_fee(session, current_user, form_id("org_id"), paid)
            flash(f"已登记「{org.name}」的会费")
        elif action == "deadlines":
            counts = membership.apply_deadlines(session)
            flash(f"已处理到期事项：退出生效 {counts['withdrawn']} 家，资格失效 {counts['lapsed']} 家")
        else:
            raise AppError(400, "未知的操作", "action")
        session.commit()
        return redirect(url_for("pages.staff_membership"))
    return _staff_membership(session)


def _staff_membership(session, join_errors: dict[int, str] | None = None) -> str:  # type: ignore[no-untyped-def]
    """The secretariat's membership page; ``join_errors``: a message by new-organization application."""
    applications = joining.pending_applications(session)
    similar = {a.id: [o for o in joining.suggest_organizations(session, a.org_name) if o.id != a.org_id] for a in applications}
    return render_template("staff_membership.html", cases=membership.cases(session), council=membership.council(session),
                           members=membership.members(session), tally=lambda c: membership.tally(session, c),
                           applications=applications, similar=similar, region=get_region, join_errors=join_errors or {})


@bp.app_context_processor
def notices() -> dict[str, object]:
    """The unread membership notices of the user's organization (for staff: the new
    organizations' applications waiting), for the navigation."""
    if not current_user.is_authenticated:
        return {"unread_notices": 0}
    if current_user.role.is_staff:  # and the new organizations waiting for them
        return {"unread_notices": 0, "pending_joins": joining.pending_count(get_session())}
    if current_user.role not in (Role.ENTERPRISE, Role.COLLEGE):
        return {"unread_notices": 0}
    return {"unread_notices": membership.unread_notices(get_session(), current_user.org_id)}


