"""Pages that change something: post a need, give feedback on a recommendation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from data.enums import FeedbackAction, Role, Visibility
from data.reference.vocabulary import FIELD_NAMES
from data.workflows.needs import NEED_KINDS
from web.auth import roles_required
from web.boundary import form_id, parse_pool
from web.db import get_session
from web.pages.blueprint import bp
from web.services.feedback import give_feedback
from web.services.needs import post_need, posted_message
from web.viewer import current_viewer, logged_in_user


@bp.route("/needs/new", methods=["GET", "POST"])
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def new_need() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        saved = post_need(get_session(), logged_in_user(), request.form)
        errors = saved.errors
        if saved.record is not None and not errors:
            flash(posted_message(saved))
            return redirect(url_for("pages.detail", pool_name="project", record_id=saved.record.id) + "#recs")
    return render_template("need_form.html", errors=errors, form=request.form, kinds=NEED_KINDS,
                           fields=FIELD_NAMES, visibilities=list(Visibility)), (400 if errors else 200)


@bp.post("/feedback")
@login_required
def feedback() -> ResponseReturnValue:
    form = request.form
    source_pool = parse_pool(form.get("source_pool", ""), "source_pool")
    target_pool = parse_pool(form.get("target_pool", ""), "target_pool")
    source_id, target_id = form_id("source_id"), form_id("target_id")
    direction = form.get("direction", "")
    give_feedback(get_session(), current_viewer(), str(logged_in_user().id), direction, target_pool, target_id,
                  form.get("action", ""), form.get("reason") or None, source_pool, source_id)
    flash(f"已记录反馈：{FeedbackAction.parse(form.get('action', '')).label}")
    return redirect(url_for("pages.detail", pool_name=source_pool.value, record_id=source_id) + f"#rec-{direction}")
