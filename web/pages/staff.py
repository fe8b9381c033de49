"""秘书处: bulk import with a preview, the review queue, duplicates, audit log, dashboard, export."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from data.enums import AuditAction, Role, Status
from data.pools import Pool
from data.sheets.columns import columns_of, header_map
from data.sheets.exporter import export_pool, write_template
from data.sheets.importer import import_file
from data.sheets.tabular import TableError, read_table
from data.workflows.audit import action_label, browse
from data.workflows.dashboard import overview
from data.workflows.duplicates import find_duplicates, merge, merge_plan
from data.workflows.records import form_values
from data.workflows.review import KINDS, QueueFilter, ReviewError, decide, decide_many, decide_revision, review_page
from indexer.context import get_context
from matcher.directions import REGISTRY
from web import boundary, listing, services
from web.auth import roles_required
from web.db import get_session
from web.errors import AppError
from web.import_preview import build_preview, display_name, looks_like
from web.pages.blueprint import bp, form_id

# The preview is a dry run of exactly the import the confirm button makes: new rows wait for
# review, changes of published records are held as revisions.
IMPORT_STATUS = Status.PENDING
DECISION_LABELS = {"approve": "通过", "reject": "驳回", "request_changes": "退回修改"}


def _import_page(pool: Pool | None, status: int = 200, **extra: object):  # type: ignore[no-untyped-def]
    return render_template("staff_import.html", chosen=pool or Pool.EXPERT,
                           **({"error": None, "preview": None, "hint": ""} | extra)), status


@bp.route("/staff/import", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def staff_import():  # type: ignore[no-untyped-def]
    """Upload and preview; every problem (no file, a file that is not a sheet, another pool's
    sheet, an unknown pool) comes back on this page, in Chinese, beside the upload form."""
    get = request.method == "GET"
    try:
        if get:
            return _import_page(services.parse_pool(request.args["pool"], "pool") if request.args.get("pool") else None)
        pool = services.parse_pool(request.form.get("pool", ""), "pool")
    except AppError as exc:
        return _import_page(None, 400, error=exc.message)
    upload = request.files.get("file")
    try:
        path, upload_id, suffix = services.save_upload(upload)
    except AppError as exc:
        return _import_page(pool, 400, error=exc.message)
    return _preview(pool, path, upload_id, suffix, display_name(upload.filename if upload else None))


def _preview(pool: Pool, path: Path, upload_id: str, suffix: str, filename: str):  # type: ignore[no-untyped-def]
    try:
        table = read_table(path, list(header_map(pool)))
        report = import_file(get_session(), pool, path, dry_run=True, status=IMPORT_STATUS, name=filename)
    except TableError as exc:
        get_session().rollback()
        other = looks_like(path, pool)
        path.unlink(missing_ok=True)
        hint = f"这份表格看起来是{other.label}的，请在上方选择「{other.label}」后重新上传。" if other else ""
        return _import_page(pool, 400, error=f"「{filename}」无法导入{pool.label}：{exc}", hint=hint)
    get_session().rollback()
    other = looks_like(path, pool) if any(e.row == 1 and not e.column for e in report.errors) else None
    preview = build_preview(pool, table, report, upload_id, suffix, filename)
    hint = f"这份表格看起来是{other.label}的，请在上方选择「{other.label}」后重新上传。" if other else ""
    return _import_page(pool, 200 if report.ok else 400, preview=preview, hint=hint)


@bp.get("/staff/import/template")
@roles_required(Role.STAFF)
def staff_import_template():  # type: ignore[no-untyped-def]
    """The empty import sheet of a pool (the same file as ``chanjiao template``)."""
    try:
        pool = services.parse_pool(request.args.get("pool", ""), "pool")
    except AppError as exc:
        return _import_page(None, 400, error=exc.message)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        write_template(pool, path)
        data = io.BytesIO(path.read_bytes())
    return send_file(data, as_attachment=True, download_name=f"{pool.label}导入模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/staff/import/confirm")
@roles_required(Role.STAFF)
def staff_import_confirm():  # type: ignore[no-untyped-def]
    filename = display_name(request.form.get("filename"))
    try:
        pool = services.parse_pool(request.form.get("pool", ""), "pool")
        path = services.upload_path(request.form.get("upload_id", ""), request.form.get("suffix", ""))
    except AppError as exc:
        return _import_page(None, 400, error=exc.message)
    if not path.exists():
        return _import_page(pool, 400, error="上传文件已失效，请重新上传")
    session = get_session()
    try:
        report = import_file(session, pool, path, status=IMPORT_STATUS, actor=current_user, name=filename)
    except TableError as exc:
        session.rollback()
        path.unlink(missing_ok=True)
        return _import_page(pool, 400, error=f"「{filename}」无法导入{pool.label}：{exc}")
    if not report.ok:
        session.rollback()
        return _preview(pool, path, request.form["upload_id"], request.form["suffix"], filename)
    session.commit()
    path.unlink(missing_ok=True)
    flash(f"{report.summary()}；新导入的记录和对已发布记录的修改已进入审核队列")
    return redirect(url_for("pages.staff_review"))


QUEUE_ARGS = ("pool", "kind", "org", "since", "until", "q", "sort", "per_page", "page")
QUEUE_SORTS = {"old": "最早提交在前", "new": "最新提交在前"}
QUEUE_PER_PAGE = (20, 50, 100, 200)


def _day_arg(source: Mapping[str, str], name: str) -> dt.date | None:
    raw = (source.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise AppError(400, f"参数「{name}」应为日期，如 2026-07-01", name) from exc


def _queue_query(source: Mapping[str, str]) -> tuple[QueueFilter, int, int, dict[str, str]]:
    """The queue's filter, page and page size from a query string (or a decision form's hidden
    copy of it); unknown values are a 400 naming the parameter."""
    pool = services.parse_pool(source["pool"], "pool") if source.get("pool") else None
    sort = source.get("sort") or "old"
    if sort not in QUEUE_SORTS:
        raise AppError(400, f"参数「sort」应为以下之一：{'、'.join(QUEUE_SORTS.values())}", "sort")
    org = (source.get("org") or "").strip()
    try:
        flt = QueueFilter(pool=pool, kind=source.get("kind") or None, org_id=boundary.parse_id(org, "org") if org else None,
                          since=_day_arg(source, "since"), until=_day_arg(source, "until"),
                          text=(source.get("q") or "").strip(), newest_first=sort == "new")
    except ReviewError as exc:
        raise AppError(400, f"参数「{exc.field}」：{exc}", exc.field) from exc
    per_page = boundary.parse_int((source.get("per_page") or "50").strip(), "per_page", high=max(QUEUE_PER_PAGE))
    page = boundary.parse_int((source.get("page") or "1").strip(), "page", high=boundary.MAX_LIST_PAGE)
    args = {k: v.strip() for k in QUEUE_ARGS if (v := source.get(k) or "").strip()}
    return flt, page, per_page, args


def _queue(source: Mapping[str, str], status: int = 200, **extra: object):  # type: ignore[no-untyped-def]
    flt, page, per_page, args = _queue_query(source)
    queue = review_page(get_session(), flt, page, per_page)
    listing = {k: v for k, v in args.items() if k != "page"}
    return render_template("staff_review.html", queue=queue, flt=flt, args=args, listing=listing,
                           query=urlencode(listing), kinds=KINDS, sorts=QUEUE_SORTS, per_pages=QUEUE_PER_PAGE,
                           per_page=per_page, **({"errors": {}, "typed": {}, "selected": set()} | extra)), status


def _back() -> str:
    """The queue as the reviewer left it (filters and page), after a decision."""
    _, _, _, args = _queue_query(request.form)
    return url_for("pages.staff_review", **args)


@bp.get("/staff/review")
@roles_required(Role.STAFF)
def staff_review():  # type: ignore[no-untyped-def]
    return _queue(request.args)


def _decide_one(key: str, run, message):  # type: ignore[no-untyped-def]
    """One decision from the queue; a missing reason gives the queue back with the message at
    that item's reason box (and what was typed kept), not an error page."""
    session, decision, reason = get_session(), request.form.get("decision", ""), request.form.get("reason", "")
    try:
        record = run(session, decision, reason)
    except ReviewError as exc:
        session.rollback()
        if exc.field in ("reason", "decision"):
            return _queue(request.form, 400, errors={key: str(exc)}, typed={key: reason})
        return _queue(request.form, 400, notice=str(exc))
    session.commit()
    flash(message(DECISION_LABELS[decision], record.name))
    return redirect(_back())


@bp.post("/staff/review/<pool_name>/<int:record_id>")
@roles_required(Role.STAFF)
def staff_decide(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    return _decide_one(f"record:{pool.value}:{record_id}", lambda s, d, r: decide(s, pool, record_id, d, r, current_user),
                       lambda label, name: f"已{label}：{name}")


@bp.post("/staff/review/revision/<int:revision_id>")
@roles_required(Role.STAFF)
def staff_decide_revision(revision_id: int):  # type: ignore[no-untyped-def]
    return _decide_one(f"revision:{revision_id}", lambda s, d, r: decide_revision(s, revision_id, d, r, current_user),
                       lambda label, name: f"已{label}对「{name}」的修改")


@bp.post("/staff/review/bulk")
@roles_required(Role.STAFF)
def staff_decide_bulk():  # type: ignore[no-untyped-def]
    """The same decision for every ticked item; each is decided and audited on its own."""
    session, keys = get_session(), request.form.getlist("item")
    decision, reason = request.form.get("decision", ""), request.form.get("reason", "")
    try:
        result = decide_many(session, keys, decision, reason, current_user)
    except ReviewError as exc:
        session.rollback()
        return _queue(request.form, 400, bulk_error=(exc.field, str(exc)), bulk_reason=reason, selected=set(keys))
    session.commit()
    label = DECISION_LABELS[decision]
    if result.done:
        names = "、".join(result.done[:5]) + (f" 等 {len(result.done)} 条" if len(result.done) > 5 else "")
        flash(f"已{label} {len(result.done)} 条：{names}")
    for which, why in result.failed[:20]:
        flash(f"未能{label}{which}：{why}")
    return redirect(_back())


@bp.get("/staff/dashboard")
@roles_required(Role.STAFF)
def staff_dashboard():  # type: ignore[no-untyped-def]
    labels = {key: d.label for key, d in REGISTRY.items()}
    return render_template("staff_dashboard.html", vectors=services.vector_progress(get_context()),
                           **overview(get_session(), labels))


@bp.get("/pool/<pool_name>/export.xlsx")
@roles_required(Role.STAFF)
def export_list(pool_name: str):  # type: ignore[no-untyped-def]
    """The filtered list as an Excel file in the import layout (re-importable)."""
    pool = services.parse_pool(pool_name)
    ids = services.filtered_ids(get_session(), pool, listing.parse_list_query(pool, request.args, staff=True))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        export_pool(get_session(), pool, path, ids=ids, actor=current_user)
        data = io.BytesIO(path.read_bytes())
    get_session().commit()
    return send_file(data, as_attachment=True, download_name=f"{pool.label}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/staff/audit")
@roles_required(Role.STAFF)
def staff_audit():  # type: ignore[no-untyped-def]
    """Browse and filter the audit log (read only: nothing in the application edits it)."""
    args = request.args
    page = browse(get_session(), action=args.get("action") or None, pool=args.get("pool") or None,
                  actor=args.get("actor", "").strip() or None, record_id=boundary.arg_id("record_id"),
                  page=boundary.arg_int("page", 1, high=boundary.MAX_LIST_PAGE))
    return render_template("staff_audit.html", page=page, actions=list(AuditAction), pools=list(Pool),
                           label=action_label, args=args)


@bp.get("/staff/duplicates")
@roles_required(Role.STAFF)
def staff_duplicates():  # type: ignore[no-untyped-def]
    pool = services.parse_pool(request.args.get("pool", Pool.EXPERT.value), "pool")
    pairs = find_duplicates(get_session(), pool)
    return render_template("staff_duplicates.html", pool=pool, pairs=pairs, pools=list(Pool),
                           shown=[c for c in columns_of(pool) if c.header not in ("可见范围", "外部编号")][:8],
                           values=form_values)


@bp.get("/staff/duplicates/merge")
@roles_required(Role.STAFF)
def staff_merge_confirm():  # type: ignore[no-untyped-def]
    """The step before a merge: both records side by side, the result column by column, what
    moves and what goes; the button on it makes the merge."""
    pool = services.parse_pool(request.args.get("pool", ""), "pool")
    missing = "请选择要保留和要合并的记录"
    keep_id = boundary.parse_id(request.args.get("keep_id", ""), "keep_id", missing)
    drop_id = boundary.parse_id(request.args.get("drop_id", ""), "drop_id", missing)
    return render_template("staff_merge.html", plan=merge_plan(get_session(), pool, keep_id, drop_id))


@bp.post("/staff/duplicates/merge")
@roles_required(Role.STAFF)
def staff_merge():  # type: ignore[no-untyped-def]
    """The merge itself, as confirmed on ``staff_merge_confirm``'s page."""
    pool = services.parse_pool(request.form.get("pool", ""), "pool")
    missing = "请选择要保留和要合并的记录"
    keep_id, drop_id = form_id("keep_id", missing), form_id("drop_id", missing)
    session = get_session()
    kept = merge(session, pool, keep_id, drop_id, current_user)
    session.commit()
    flash(f"已将编号 {drop_id} 合并入「{kept.name}」（编号 {keep_id}）；合并前两条记录的全部内容与转移的关联已写入审计日志，需要时可据此恢复")
    return redirect(url_for("pages.staff_duplicates", pool=pool.value))
