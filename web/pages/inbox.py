"""「消息」 (the inbox, its e-mail settings), 订阅 (subscriptions) and, for staff, the e-mails
that failed for good."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from data.enums import NotificationKind
from web import boundary
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.security import safe_next
from web.services import inbox as messages
from web.services import subscriptions
from web.viewer import current_user_or_none, current_viewer, logged_in_user

MAX_INBOX_PAGE = 1000


def _ids(name: str) -> list[int]:
    """Ids posted as repeated form fields ``name`` (a 400 naming the field for anything else)."""
    return [boundary.parse_id(v, name) for v in request.form.getlist(name)[:500]]


def _back(default: str) -> ResponseReturnValue:
    return redirect(safe_next(request.form.get("next")) or url_for(default))


@bp.get("/inbox")
@login_required
def inbox() -> ResponseReturnValue:
    page = messages.inbox(get_session(), logged_in_user(), request.args.get("kind"),
                          boundary.arg_int("page", 1, high=MAX_INBOX_PAGE), request.args.get("unread") == "1")
    return render_template("inbox.html", page=page, kinds=list(NotificationKind))


@bp.get("/inbox/<int:note_id>")
@login_required
def inbox_open(note_id: int) -> ResponseReturnValue:
    return redirect(messages.open_message(get_session(), logged_in_user(), note_id))


@bp.post("/inbox/read")
@login_required
def inbox_read() -> ResponseReturnValue:
    every = request.form.get("all") == "1"
    done = messages.mark_read(get_session(), logged_in_user(), None if every else _ids("ids"))
    flash(f"已标为已读：{done} 条")
    return _back("pages.inbox")


@bp.route("/inbox/settings", methods=["GET", "POST"])
@login_required
def inbox_settings() -> ResponseReturnValue:
    session, user = get_session(), logged_in_user()
    if request.method == "POST":
        messages.save_settings(session, user, request.form.to_dict())
        flash("邮件设置已保存")
        return redirect(url_for("pages.inbox_settings"))
    return render_template("inbox_settings.html", settings=messages.settings(session, user), kinds=list(NotificationKind))


@bp.get("/subscriptions")
@login_required
def subscription_list() -> ResponseReturnValue:
    return render_template("subscriptions.html", items=subscriptions.subscriptions_of(get_session(), logged_in_user()))


@bp.post("/subscriptions")
@login_required
def subscription_new() -> ResponseReturnValue:
    form, session, user = request.form, get_session(), logged_in_user()
    if form.get("source_pool"):
        sub = subscriptions.follow_record(session, user, current_viewer(), boundary.parse_pool(form["source_pool"], "source_pool"),
                                          boundary.form_id("source_id"), form.get("direction", ""), form.get("min_score"))
    else:
        pool = boundary.parse_pool(form["pool"], "pool") if form.get("pool") else None
        sub = subscriptions.follow_search(session, user, form.get("q", ""), pool, form.get("min_score"))
    flash(f"已订阅「{sub.label}」：有新的匹配（匹配度 ≥ {sub.min_score:.0f}）时会通知您")
    return _back("pages.subscription_list")


@bp.post("/subscriptions/<int:subscription_id>/delete")
@login_required
def subscription_delete(subscription_id: int) -> ResponseReturnValue:
    subscriptions.unfollow(get_session(), logged_in_user(), subscription_id)
    flash("已取消订阅")
    return _back("pages.subscription_list")


@bp.get("/staff/mail")
@roles_required()
def staff_mail() -> ResponseReturnValue:
    return render_template("staff_mail.html", failed=messages.failed_mail(get_session()))


@bp.post("/staff/mail/resend")
@roles_required()
def staff_mail_resend() -> ResponseReturnValue:
    done = messages.resend(get_session(), _ids("ids"))
    flash(f"已重新发送：{done} 封")
    return redirect(url_for("pages.staff_mail"))


@bp.app_context_processor
def unread_messages() -> dict[str, object]:
    """The navigation's 「消息」 badge."""
    return {"unread_messages": messages.unread(get_session(), current_user_or_none())}
