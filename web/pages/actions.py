"""Pages that change something: post a need, give feedback on a recommendation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from data.enums import FeedbackAction, Role, Visibility
from data.reference.vocabulary import FIELD_NAMES
from data.workflows.feedback import record_feedback
from data.workflows.needs import NEED_KINDS, create_need
from web import services
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.viewer import current_viewer


@bp.route("/needs/new", methods=["GET", "POST"])
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def new_need():  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {}
    if request.method == "POST":
        session = get_session()
        saved = create_need(session, current_user, request.form)
        errors = saved.errors
        if saved.record is not None and not errors:
            session.commit()
            done = "需求已发布" if saved.outcome == "published" else f"需求{saved.message}"
            flash(f"{done}，以下是为它匹配的专家、教师与科技成果")
            return redirect(url_for("pages.detail", pool_name="project", record_id=saved.record.id) + "#recs")
    return render_template("need_form.html", errors=errors, form=request.form, kinds=NEED_KINDS,
                           fields=FIELD_NAMES, visibilities=list(Visibility)), (400 if errors else 200)


@bp.post("/feedback")
@login_required
def feedback():  # type: ignore[no-untyped-def]
    form = request.form
    source_pool = services.parse_pool(form.get("source_pool", ""), "source_pool")
    target_pool = services.parse_pool(form.get("target_pool", ""), "target_pool")
    source_id = services.parse_id(form.get("source_id", ""), "source_id")
    target_id = services.parse_id(form.get("target_id", ""), "target_id")
    session = get_session()
    viewer = current_viewer()
    services.get_record(session, source_pool, source_id, viewer)  # hidden records answer as missing
    services.get_record(session, target_pool, target_id, viewer)
    record_feedback(session, actor=str(current_user.id), direction=form.get("direction", ""),
                    source_pool=source_pool, source_id=source_id, target_pool=target_pool, target_id=target_id,
                    action=form.get("action", ""), reason=form.get("reason") or None)
    session.commit()
    flash(f"已记录反馈：{FeedbackAction.parse(form.get('action', '')).label}")
    return redirect(url_for("pages.detail", pool_name=source_pool.value, record_id=source_id) + f"#rec-{form.get('direction', '')}")



