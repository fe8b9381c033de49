"""双选 rounds: staff set a round up, open and close it, run the allocation, inspect it, try
what-ifs, publish and export; a student orders their choices and sees their result; an
enterprise marks the round's students for its posts."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from data.enums import Role
from indexer.context import get_context
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.services import rounds
from web.services.exports import XLSX
from web.viewer import logged_in_user


@bp.get("/staff/rounds")
@roles_required(Role.STAFF)
def staff_rounds() -> ResponseReturnValue:
    return render_template("staff_rounds.html", **rounds.list_page(get_session()))


@bp.post("/staff/rounds")
@roles_required(Role.STAFF)
def staff_round_new() -> ResponseReturnValue:
    made = rounds.create(get_session(), logged_in_user(), request.form)
    flash(f"已新建双选轮次「{made.name}」（草稿）")
    return redirect(url_for("pages.staff_round", round_id=made.id))


@bp.get("/staff/rounds/<int:round_id>")
@roles_required(Role.STAFF)
def staff_round(round_id: int) -> ResponseReturnValue:
    return render_template("staff_round.html", **rounds.round_page(get_session(), logged_in_user(), round_id))


@bp.post("/staff/rounds/<int:round_id>/edit")
@roles_required(Role.STAFF)
def staff_round_edit(round_id: int) -> ResponseReturnValue:
    changed = rounds.update(get_session(), logged_in_user(), round_id, request.form)
    flash(f"已保存双选轮次「{changed.name}」（草稿）")
    return redirect(url_for("pages.staff_round", round_id=round_id))


@bp.post("/staff/rounds/<int:round_id>/<action>")
@roles_required(Role.STAFF)
def staff_round_step(round_id: int, action: str) -> ResponseReturnValue:
    flash(rounds.advance(get_session(), get_context(), logged_in_user(), round_id, action))
    return redirect(url_for("pages.staff_round", round_id=round_id))


@bp.get("/staff/rounds/<int:round_id>/whatif")
@roles_required(Role.STAFF)
def staff_round_whatif(round_id: int) -> ResponseReturnValue:
    page = rounds.what_if_page(get_session(), get_context(), logged_in_user(), round_id, request.args)
    return render_template("staff_round.html", **page)


@bp.get("/staff/rounds/<int:round_id>/export")
@roles_required(Role.STAFF)
def staff_round_export(round_id: int) -> ResponseReturnValue:
    data, name = rounds.export(get_session(), logged_in_user(), round_id)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)


@bp.get("/rounds")
@login_required
def my_rounds() -> ResponseReturnValue:
    return render_template("rounds.html", **rounds.my_rounds(get_session(), logged_in_user()))


@bp.get("/rounds/<int:round_id>/choices")
@roles_required(Role.STUDENT)
def round_choices(round_id: int) -> ResponseReturnValue:
    page = rounds.choices_page(get_session(), get_context(), logged_in_user(), round_id)
    return render_template("round_choices.html", **page)


@bp.post("/rounds/<int:round_id>/choices")
@roles_required(Role.STUDENT)
def round_choices_save(round_id: int) -> ResponseReturnValue:
    saved = rounds.save_choices(get_session(), logged_in_user(), round_id, request.form)
    flash(f"已保存 {len(saved)} 个志愿")
    return redirect(url_for("pages.round_choices", round_id=round_id))


@bp.get("/rounds/<int:round_id>/marks")
@roles_required(Role.ENTERPRISE)
def round_marks(round_id: int) -> ResponseReturnValue:
    return render_template("round_marks.html", **rounds.marks_page(get_session(), logged_in_user(), round_id))


@bp.post("/rounds/<int:round_id>/marks/<int:internship_id>")
@roles_required(Role.ENTERPRISE)
def round_marks_save(round_id: int, internship_id: int) -> ResponseReturnValue:
    count = rounds.save_marks(get_session(), logged_in_user(), round_id, internship_id, request.form)
    flash(f"已保存 {count} 条标记（未标记的学生按「可接受」处理）")
    return redirect(url_for("pages.round_marks", round_id=round_id) + f"#post-{internship_id}")
