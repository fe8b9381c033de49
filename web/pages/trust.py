"""Trust: consent-gated contact, a person's own data, and alliance membership."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required, logout_user

from data.enums import Role
from web.auth import roles_required
from web.boundary import parse_pool
from web.db import get_session
from web.pages.blueprint import bp
from web.services import contacts, membership, privacy
from web.viewer import current_user_or_none, current_viewer, logged_in_user


@bp.post("/contact/<pool_name>/<int:record_id>")
@login_required
def contact_request(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool = parse_pool(pool_name)
    contacts.ask_for_contact(get_session(), logged_in_user(), pool, record_id, current_viewer(),
                             request.form.get("purpose", ""), request.form.get("message", ""))
    flash("已发送联系申请，对方同意后可在此查看联系方式")
    return redirect(url_for("pages.detail", pool_name=pool.value, record_id=record_id) + "#contact")


@bp.get("/contacts")
@login_required
def contact_list() -> ResponseReturnValue:
    return render_template("contacts.html", **contacts.contact_lists(get_session(), logged_in_user()))


@bp.post("/contacts/<int:request_id>/answer")
@login_required
def contact_answer(request_id: int) -> ResponseReturnValue:
    item = contacts.answer(get_session(), logged_in_user(), request_id, request.form.get("decision") == "accept",
                           request.form.get("reply", ""))
    flash(f"已答复：{item.status.label}")
    return redirect(url_for("pages.contact_list"))


@bp.post("/contacts/<int:request_id>/revoke")
@login_required
def contact_revoke(request_id: int) -> ResponseReturnValue:
    item = contacts.revoke(get_session(), logged_in_user(), request_id)
    flash(item.status.label)
    return redirect(url_for("pages.contact_list"))


@bp.get("/me/data.json")
@login_required
def my_data() -> ResponseReturnValue:
    user = logged_in_user()
    return Response(privacy.personal_data_json(get_session(), user), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=chanjiao-{user.username}.json"})


@bp.route("/me/delete", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def delete_me() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("delete_account.html", error=None)
    if not privacy.close_account(get_session(), logged_in_user(), request.form.get("password", "")):
        return render_template("delete_account.html", error="密码不正确，账号未注销"), 400
    logout_user()
    flash("账号已注销，您的档案、申请与联系记录已删除")
    return redirect(url_for("pages.home"))


@bp.route("/membership", methods=["GET", "POST"])
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def membership_page() -> ResponseReturnValue:
    if request.method == "POST":
        flash(membership.member_action(get_session(), logged_in_user(), request.form))
        return redirect(url_for("pages.membership_page"))
    return render_template("membership.html", **membership.member_page(get_session(), logged_in_user()))


@bp.route("/staff/membership", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def staff_membership() -> ResponseReturnValue:
    session, join_errors = get_session(), dict[int, str]()
    if request.method == "POST":
        try:
            flash(membership.staff_action(session, logged_in_user(), request.form))
            return redirect(url_for("pages.staff_membership"))
        except membership.JoinRefused as exc:  # shown beside the application, the form kept
            join_errors = {exc.application_id: exc.message}
    return render_template("staff_membership.html", **membership.staff_page(session),
                           join_errors=join_errors), (400 if join_errors else 200)


@bp.app_context_processor
def notices() -> dict[str, object]:
    """The unread membership notices of the user's organization (for staff: the new
    organizations' applications waiting), for the navigation."""
    user = current_user_or_none()
    return membership.notice_counts(get_session(), user) if user is not None else {"unread_notices": 0}
