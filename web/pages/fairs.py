"""双选会 events: everyone signed in sees the published events, a student registers, an enterprise
brings its posts; staff create an event, step it, check people in, print and export the 签到表
and create the fair's 双选 round; the 现场结果 board shows the published placements."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from data.enums import Role
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.services import fairs
from web.services.exports import XLSX
from web.viewer import logged_in_user


@bp.get("/fairs")
@login_required
def fair_list() -> ResponseReturnValue:
    return render_template("fairs.html", **fairs.list_page(get_session(), logged_in_user()))


@bp.get("/fairs/<int:event_id>")
@login_required
def fair_page(event_id: int) -> ResponseReturnValue:
    return render_template("fair.html", **fairs.event_page(get_session(), logged_in_user(), event_id))


@bp.get("/fairs/<int:event_id>/results")
@login_required
def fair_results(event_id: int) -> ResponseReturnValue:
    return render_template("fair_results.html", **fairs.results_page(get_session(), logged_in_user(), event_id))


@bp.post("/fairs/<int:event_id>/register")
@roles_required(Role.STUDENT)
def fair_register(event_id: int) -> ResponseReturnValue:
    event = fairs.register(get_session(), logged_in_user(), event_id)
    flash(f"已报名双选会「{event.name}」")
    return redirect(url_for("pages.fair_page", event_id=event_id))


@bp.post("/fairs/<int:event_id>/withdraw")
@roles_required(Role.STUDENT)
def fair_withdraw(event_id: int) -> ResponseReturnValue:
    fairs.withdraw(get_session(), logged_in_user(), event_id)
    flash("已取消报名")
    return redirect(url_for("pages.fair_page", event_id=event_id))


@bp.post("/fairs/<int:event_id>/posts")
@roles_required(Role.ENTERPRISE)
def fair_post_register(event_id: int) -> ResponseReturnValue:
    registered = fairs.register_post(get_session(), logged_in_user(), event_id, request.form)
    flash(f"已报名岗位「{registered.internship.name}」（{registered.seats} 人）")
    return redirect(url_for("pages.fair_page", event_id=event_id) + "#mine")


@bp.post("/fairs/<int:event_id>/posts/<int:internship_id>/withdraw")
@roles_required(Role.ENTERPRISE)
def fair_post_withdraw(event_id: int, internship_id: int) -> ResponseReturnValue:
    fairs.withdraw_post(get_session(), logged_in_user(), event_id, internship_id)
    flash("已撤回岗位")
    return redirect(url_for("pages.fair_page", event_id=event_id) + "#mine")


@bp.get("/staff/fairs")
@roles_required(Role.STAFF)
def staff_fairs() -> ResponseReturnValue:
    return render_template("staff_fairs.html", **fairs.list_page(get_session(), logged_in_user()))


@bp.post("/staff/fairs")
@roles_required(Role.STAFF)
def staff_fair_new() -> ResponseReturnValue:
    made = fairs.create(get_session(), logged_in_user(), request.form)
    flash(f"已新建双选会「{made.name}」（草稿）")
    return redirect(url_for("pages.staff_fair", event_id=made.id))


@bp.get("/staff/fairs/<int:event_id>")
@roles_required(Role.STAFF)
def staff_fair(event_id: int) -> ResponseReturnValue:
    return render_template("staff_fair.html", **fairs.manage_page(get_session(), logged_in_user(), event_id))


@bp.post("/staff/fairs/<int:event_id>/status/<action>")
@roles_required(Role.STAFF)
def staff_fair_step(event_id: int, action: str) -> ResponseReturnValue:
    flash(fairs.advance(get_session(), logged_in_user(), event_id, action))
    return redirect(url_for("pages.staff_fair", event_id=event_id))


@bp.post("/staff/fairs/<int:event_id>/checkin")
@roles_required(Role.STAFF)
def staff_fair_checkin(event_id: int) -> ResponseReturnValue:
    flash(fairs.check_in(get_session(), logged_in_user(), event_id, request.form))
    return redirect(url_for("pages.staff_fair", event_id=event_id) + "#registrations")


@bp.post("/staff/fairs/<int:event_id>/round")
@roles_required(Role.STAFF)
def staff_fair_round(event_id: int) -> ResponseReturnValue:
    made = fairs.create_round(get_session(), logged_in_user(), event_id, request.form)
    flash(f"已建立双选轮次「{made.name}」（草稿），请在双选轮次中开放填报")
    return redirect(url_for("pages.staff_round", round_id=made.id))


@bp.get("/staff/fairs/<int:event_id>/signin")
@roles_required(Role.STAFF)
def staff_fair_signin(event_id: int) -> ResponseReturnValue:
    return render_template("staff_fair_signin.html", **fairs.signin_page(get_session(), logged_in_user(), event_id))


@bp.get("/staff/fairs/<int:event_id>/signin.xlsx")
@roles_required(Role.STAFF)
def staff_fair_export(event_id: int) -> ResponseReturnValue:
    data, name = fairs.export(get_session(), logged_in_user(), event_id)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)
