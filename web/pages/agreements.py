"""合作记录: the user's agreements, one agreement with its activity log, recording one (directly
or from an accepted application, proposal or granted contact), logging and answering activity,
closing, and the Excel export."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from data.enums import Role
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.services import agreements
from web.services.exports import XLSX
from web.viewer import logged_in_user


@bp.app_template_filter("number")
def number(value: object) -> str:
    """A quantity or an amount without trailing zeros or an exponent (2, 1.5, 100)."""
    return agreements.number_text(value)


@bp.get("/agreements")
@login_required
def agreement_list() -> ResponseReturnValue:
    return render_template("agreements.html", **agreements.agreements_page(get_session(), logged_in_user()))


@bp.post("/agreements")
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def agreement_new() -> ResponseReturnValue:
    agreement = agreements.record(get_session(), logged_in_user(), request.form)
    flash(f"已记录合作「{agreement.title}」，已通知对方")
    return redirect(url_for("pages.agreement_detail", agreement_id=agreement.id))


@bp.get("/agreements/<int:agreement_id>")
@login_required
def agreement_detail(agreement_id: int) -> ResponseReturnValue:
    return render_template("agreement.html", **agreements.agreement_page(get_session(), logged_in_user(), agreement_id))


@bp.post("/agreements/from/<source>/<int:source_id>")
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def agreement_from(source: str, source_id: int) -> ResponseReturnValue:
    """From an accepted application, an accepted proposal or a granted contact (kind and title in the form)."""
    agreement = agreements.record_from(get_session(), logged_in_user(), source, source_id, request.form)
    flash(f"已建立合作记录「{agreement.title}」")
    return redirect(url_for("pages.agreement_detail", agreement_id=agreement.id))


@bp.post("/agreements/<int:agreement_id>/activities")
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def agreement_log(agreement_id: int) -> ResponseReturnValue:
    activity = agreements.log(get_session(), logged_in_user(), agreement_id, request.form)
    flash(f"已登记 {agreements.number_text(activity.quantity)} {activity.unit.label}，等待对方确认")
    return redirect(url_for("pages.agreement_detail", agreement_id=agreement_id) + "#activities")


@bp.post("/activities/<int:activity_id>/answer")
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def activity_answer(activity_id: int) -> ResponseReturnValue:
    activity = agreements.answer(get_session(), logged_in_user(), activity_id,
                                 request.form.get("decision") == "confirm", request.form.get("note", ""))
    flash(f"活动登记{activity.status.label}")
    return redirect(url_for("pages.agreement_detail", agreement_id=activity.agreement_id) + "#activities")


@bp.post("/agreements/<int:agreement_id>/close")
@roles_required(Role.ENTERPRISE, Role.COLLEGE)
def agreement_close(agreement_id: int) -> ResponseReturnValue:
    agreements.close(get_session(), logged_in_user(), agreement_id)
    flash("合作已结束")
    return redirect(url_for("pages.agreement_detail", agreement_id=agreement_id))


@bp.get("/agreements/export.xlsx")
@login_required
def agreement_export() -> ResponseReturnValue:
    """Staff: every agreement; a party: its own."""
    data = agreements.export(get_session(), logged_in_user())
    return send_file(io.BytesIO(data), as_attachment=True, download_name="合作记录.xlsx", mimetype=XLSX)


@bp.post("/agreements/import")
@roles_required(Role.STAFF)
def agreement_import() -> ResponseReturnValue:
    """Staff: a sheet in the export layout (all rows or none)."""
    created, updated = agreements.import_sheet(get_session(), logged_in_user(), request.files.get("file"))
    flash(f"已导入合作记录：新建 {created} 条，更新 {updated} 条")
    return redirect(url_for("pages.agreement_list"))
