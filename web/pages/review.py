"""秘书处's review queue: filter and page it, decide one item or several at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from data.enums import Role
from data.workflows.review import KINDS, QueueFilter, ReviewError, review_page
from web import boundary
from web.auth import roles_required
from web.db import get_session
from web.errors import AppError
from web.pages.blueprint import bp
from web.services import review
from web.viewer import logged_in_user

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
    pool = boundary.parse_pool(source["pool"], "pool") if source.get("pool") else None
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


def _queue(source: Mapping[str, str], status: int = 200, **extra: object) -> ResponseReturnValue:
    flt, page, per_page, args = _queue_query(source)
    queue = review_page(get_session(), flt, page, per_page)
    listing = {k: v for k, v in args.items() if k != "page"}
    return render_template("staff_review.html", queue=queue, flt=flt, args=args, listing=listing,
                           query=urlencode(listing), kinds=KINDS, sorts=QUEUE_SORTS, per_pages=QUEUE_PER_PAGE,
                           per_page=per_page, **({"errors": {}, "typed": {}, "selected": set()} | extra)), status


def _back() -> str:
    """The queue as the reviewer left it (filters and page), after a decision."""
    _, _, _, args = _queue_query(request.form)
    query: dict[str, Any] = dict(args)  # url_for's own keywords are typed; these are query arguments
    return url_for("pages.staff_review", **query)


@bp.get("/staff/review")
@roles_required(Role.STAFF)
def staff_review() -> ResponseReturnValue:
    return _queue(request.args)


def _decide_one(key: str, decide: Callable[[str, str], str]) -> ResponseReturnValue:
    """One decision from the queue (``decide(decision, reason)`` makes it and says what it did);
    a missing reason gives the queue back with the message at that item's reason box (and what
    was typed kept), not an error page."""
    decision, reason = request.form.get("decision", ""), request.form.get("reason", "")
    try:
        flash(decide(decision, reason))
    except ReviewError as exc:
        if exc.field in ("reason", "decision"):
            return _queue(request.form, 400, errors={key: str(exc)}, typed={key: reason})
        return _queue(request.form, 400, notice=str(exc))
    return redirect(_back())


@bp.post("/staff/review/<pool_name>/<int:record_id>")
@roles_required(Role.STAFF)
def staff_decide(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool = boundary.parse_pool(pool_name)
    return _decide_one(f"record:{pool.value}:{record_id}",
                       lambda d, r: review.decide_record(get_session(), logged_in_user(), pool, record_id, d, r))


@bp.post("/staff/review/revision/<int:revision_id>")
@roles_required(Role.STAFF)
def staff_decide_revision(revision_id: int) -> ResponseReturnValue:
    return _decide_one(f"revision:{revision_id}",
                       lambda d, r: review.decide_revision(get_session(), logged_in_user(), revision_id, d, r))


@bp.post("/staff/review/bulk")
@roles_required(Role.STAFF)
def staff_decide_bulk() -> ResponseReturnValue:
    """The same decision for every ticked item; each is decided and audited on its own."""
    keys, reason = request.form.getlist("item"), request.form.get("reason", "")
    try:
        messages = review.decide_many(get_session(), logged_in_user(), keys, request.form.get("decision", ""), reason)
    except ReviewError as exc:
        return _queue(request.form, 400, bulk_error=(exc.field, str(exc)), bulk_reason=reason, selected=set(keys))
    for message in messages:
        flash(message)
    return redirect(_back())
