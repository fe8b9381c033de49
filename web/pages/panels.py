"""Expert review panels: staff create a batch, run the assignment, inspect it, invite, refill
declined seats, follow the scores and export the 论证意见 summary; an expert answers their
invitations, declares conflicts and scores on 「我的评审」."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from data.enums import Role
from indexer.context import get_context
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.services import panels
from web.services.exports import XLSX
from web.viewer import logged_in_user


@bp.get("/staff/panels")
@roles_required(Role.STAFF)
def staff_panels() -> ResponseReturnValue:
    return render_template("staff_panels.html", **panels.list_page(get_session(), logged_in_user()))


@bp.post("/staff/panels")
@roles_required(Role.STAFF)
def staff_panel_new() -> ResponseReturnValue:
    made = panels.create(get_session(), logged_in_user(), request.form)
    flash(f"已新建评审批次「{made.name}」（草稿）")
    return redirect(url_for("pages.staff_panel", batch_id=made.id))


@bp.get("/staff/panels/<int:batch_id>")
@roles_required(Role.STAFF)
def staff_panel(batch_id: int) -> ResponseReturnValue:
    return render_template("staff_panel.html", **panels.batch_page(get_session(), logged_in_user(), batch_id))


@bp.post("/staff/panels/<int:batch_id>/<action>")
@roles_required(Role.STAFF)
def staff_panel_step(batch_id: int, action: str) -> ResponseReturnValue:
    flash(panels.advance(get_session(), get_context(), logged_in_user(), batch_id, action))
    return redirect(url_for("pages.staff_panel", batch_id=batch_id))


@bp.post("/staff/panels/<int:batch_id>/refill/<int:seat_id>")
@roles_required(Role.STAFF)
def staff_panel_refill(batch_id: int, seat_id: int) -> ResponseReturnValue:
    flash(panels.refill(get_session(), get_context(), logged_in_user(), batch_id, seat_id))
    return redirect(url_for("pages.staff_panel", batch_id=batch_id))


@bp.get("/staff/panels/<int:batch_id>/export")
@roles_required(Role.STAFF)
def staff_panel_export(batch_id: int) -> ResponseReturnValue:
    data, name = panels.export(get_session(), logged_in_user(), batch_id)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)


@bp.get("/panels/mine")
@roles_required(Role.EXPERT)
def my_panels() -> ResponseReturnValue:
    return render_template("panels_mine.html", **panels.my_page(get_session(), logged_in_user()))


@bp.post("/panels/seats/<int:seat_id>/answer")
@roles_required(Role.EXPERT)
def panel_seat_answer(seat_id: int) -> ResponseReturnValue:
    flash(panels.answer(get_session(), logged_in_user(), seat_id, request.form))
    return redirect(url_for("pages.my_panels") + f"#seat-{seat_id}")


@bp.post("/panels/seats/<int:seat_id>/conflict")
@roles_required(Role.EXPERT)
def panel_seat_conflict(seat_id: int) -> ResponseReturnValue:
    panels.conflict(get_session(), logged_in_user(), seat_id, request.form)
    flash("已申报回避，该评审邀请已谢绝")
    return redirect(url_for("pages.my_panels"))


@bp.post("/panels/seats/<int:seat_id>/scores")
@roles_required(Role.EXPERT)
def panel_seat_scores(seat_id: int) -> ResponseReturnValue:
    panels.scores(get_session(), logged_in_user(), seat_id, request.form)
    flash("已提交评分")
    return redirect(url_for("pages.my_panels") + f"#seat-{seat_id}")
