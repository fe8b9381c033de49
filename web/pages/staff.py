"""秘书处: bulk import with a preview, duplicates, audit log, dashboard, export (the review
queue: ``web.pages.review``)."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from data.enums import AuditAction, Role
from data.pools import Pool
from data.workflows.audit import action_label, browse
from data.workflows.duplicates import merge_plan
from indexer.context import get_context
from web import boundary, listing
from web.auth import roles_required
from web.db import get_session
from web.errors import AppError
from web.import_preview import display_name
from web.pages.blueprint import bp, form_id
from web.services import duplicates, exports, imports
from web.services.dashboard import dashboard
from web.services.imports import ImportPage
from web.viewer import logged_in_user

MERGE_MISSING = "请选择要保留和要合并的记录"


def _import_page(page: ImportPage) -> ResponseReturnValue:
    return render_template("staff_import.html", chosen=page.pool or Pool.EXPERT, error=page.error,
                           preview=page.preview, hint=page.hint), page.status


def _chosen_pool(value: str) -> Pool | ImportPage:
    """The pool a form or query names, or the import page saying what is wrong with it."""
    try:
        return boundary.parse_pool(value, "pool")
    except AppError as exc:
        return ImportPage(None, 400, error=exc.message)


@bp.route("/staff/import", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def staff_import() -> ResponseReturnValue:
    """Upload and preview; every problem (no file, a file that is not a sheet, another pool's
    sheet, an unknown pool) comes back on this page, in Chinese, beside the upload form."""
    if request.method == "GET":
        pool = _chosen_pool(request.args["pool"]) if request.args.get("pool") else None
        return _import_page(pool if isinstance(pool, ImportPage) else ImportPage(pool))
    pool = _chosen_pool(request.form.get("pool", ""))
    if isinstance(pool, ImportPage):
        return _import_page(pool)
    return _import_page(imports.preview_upload(get_session(), pool, request.files.get("file")))


@bp.get("/staff/import/template")
@roles_required(Role.STAFF)
def staff_import_template() -> ResponseReturnValue:
    """The empty import sheet of a pool (the same file as ``chanjiao template``)."""
    pool = _chosen_pool(request.args.get("pool", ""))
    if isinstance(pool, ImportPage):
        return _import_page(pool)
    return send_file(io.BytesIO(exports.import_template(pool)), as_attachment=True,
                     download_name=f"{pool.label}导入模板.xlsx", mimetype=exports.XLSX)


@bp.post("/staff/import/confirm")
@roles_required(Role.STAFF)
def staff_import_confirm() -> ResponseReturnValue:
    filename = display_name(request.form.get("filename"))
    pool = _chosen_pool(request.form.get("pool", ""))
    if isinstance(pool, ImportPage):
        return _import_page(pool)
    done = imports.confirm(get_session(), logged_in_user(), pool, request.form.get("upload_id", ""),
                           request.form.get("suffix", ""), filename)
    if isinstance(done, ImportPage):
        return _import_page(done)
    flash(f"{done.summary()}；新导入的记录和对已发布记录的修改已进入审核队列")
    return redirect(url_for("pages.staff_review"))


@bp.get("/staff/dashboard")
@roles_required(Role.STAFF)
def staff_dashboard() -> ResponseReturnValue:
    return render_template("staff_dashboard.html", **dashboard(get_session(), get_context()))


@bp.get("/pool/<pool_name>/export.xlsx")
@roles_required(Role.STAFF)
def export_list(pool_name: str) -> ResponseReturnValue:
    """The filtered list as an Excel file in the import layout (re-importable)."""
    pool = boundary.parse_pool(pool_name)
    data = exports.export_list(get_session(), logged_in_user(), pool,
                               listing.parse_list_query(pool, request.args, staff=True))
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{pool.label}.xlsx", mimetype=exports.XLSX)


@bp.get("/staff/audit")
@roles_required(Role.STAFF)
def staff_audit() -> ResponseReturnValue:
    """Browse and filter the audit log (read only: nothing in the application edits it)."""
    args = request.args
    page = browse(get_session(), action=args.get("action") or None, pool=args.get("pool") or None,
                  actor=args.get("actor", "").strip() or None, record_id=boundary.arg_id("record_id"),
                  page=boundary.arg_int("page", 1, high=boundary.MAX_LIST_PAGE))
    return render_template("staff_audit.html", page=page, actions=list(AuditAction), pools=list(Pool),
                           label=action_label, args=args)


@bp.get("/staff/duplicates")
@roles_required(Role.STAFF)
def staff_duplicates() -> ResponseReturnValue:
    pool = boundary.parse_pool(request.args.get("pool", Pool.EXPERT.value), "pool")
    return render_template("staff_duplicates.html", **duplicates.duplicates_page(get_session(), pool))


@bp.get("/staff/duplicates/merge")
@roles_required(Role.STAFF)
def staff_merge_confirm() -> ResponseReturnValue:
    """The step before a merge: both records side by side, the result column by column, what
    moves and what goes; the button on it makes the merge."""
    pool = boundary.parse_pool(request.args.get("pool", ""), "pool")
    keep_id = boundary.parse_id(request.args.get("keep_id", ""), "keep_id", MERGE_MISSING)
    drop_id = boundary.parse_id(request.args.get("drop_id", ""), "drop_id", MERGE_MISSING)
    return render_template("staff_merge.html", plan=merge_plan(get_session(), pool, keep_id, drop_id))


@bp.post("/staff/duplicates/merge")
@roles_required(Role.STAFF)
def staff_merge() -> ResponseReturnValue:
    """The merge itself, as confirmed on ``staff_merge_confirm``'s page."""
    pool = boundary.parse_pool(request.form.get("pool", ""), "pool")
    keep_id, drop_id = form_id("keep_id", MERGE_MISSING), form_id("drop_id", MERGE_MISSING)
    kept = duplicates.merge_records(get_session(), logged_in_user(), pool, keep_id, drop_id)
    flash(f"已将编号 {drop_id} 合并入「{kept.name}」（编号 {keep_id}）；合并前两条记录的全部内容与转移的关联已写入审计日志，需要时可据此恢复")
    return redirect(url_for("pages.staff_duplicates", pool=pool.value))
