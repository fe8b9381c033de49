"""``/pools/<pool>``: list, read, create, change and delete the records of a pool."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from data.pools import Pool
from data.sheets.columns import columns_of
from data.workflows.records import Saved, form_from_json, form_values
from web.api.v1.blueprint import bp, json_body, login_user
from web.boundary import MAX_LIST_PAGE, arg_int, parse_pool
from web.db import get_session
from web.errors import AppError, json_error
from web.schemas.records import list_page_json, record_json, saved_json
from web.services import records
from web.viewer import current_viewer


@bp.get("/pools/<pool_name>")
def list_pool(pool_name: str) -> ResponseReturnValue:
    pool = parse_pool(pool_name)
    page = records.list_records(get_session(), pool, current_viewer(), arg_int("page", 1, high=MAX_LIST_PAGE),
                                request.args.get("field") or None)
    return jsonify(list_page_json(pool, page))


@bp.get("/pools/<pool_name>/<int:record_id>")
def get_record(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool = parse_pool(pool_name)
    return jsonify(record_json(records.get_record(get_session(), pool, record_id, current_viewer())))


def _record_form(pool: Pool, body: dict[str, Any], current: dict[str, str] | None = None) -> dict[str, str]:
    """The body as the pool's form (by column header or attribute; an unknown key is a 400 naming it)."""
    known = {c.header for c in columns_of(pool)} | {c.attr for c in columns_of(pool)}
    unknown = sorted(k for k in body if k not in known)
    if unknown:
        raise AppError(400, f"{pool.label}没有字段「{unknown[0]}」", unknown[0])
    return form_from_json(pool, body, current)


def _answer(saved: Saved, status: int) -> ResponseReturnValue:
    """The saved record, or the first failed field (with every field's message in ``errors``)."""
    if saved.errors:
        header, reason = next(iter(saved.errors.items()))
        return json_error(400, "invalid", f"「{header}」{reason}", header, errors=saved.errors)
    assert saved.record is not None
    return jsonify(saved_json(saved.outcome, saved.message, saved.record)), status


@bp.post("/pools/<pool_name>")
def create_record_api(pool_name: str) -> ResponseReturnValue:
    pool, user = parse_pool(pool_name), login_user()
    form = _record_form(pool, json_body())
    return _answer(records.save_new(get_session(), user, pool, form), 201)


@bp.patch("/pools/<pool_name>/<int:record_id>")
def update_record_api(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool, user = parse_pool(pool_name), login_user()
    session = get_session()
    record = records.get_record(session, pool, record_id, current_viewer())
    form = _record_form(pool, json_body(), form_values(pool, record))
    return _answer(records.save_edit(session, user, pool, record, form), 200)


@bp.delete("/pools/<pool_name>/<int:record_id>")
def delete_record_api(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool, user = parse_pool(pool_name), login_user()
    records.remove(get_session(), user, pool, record_id, current_viewer())
    return "", 204
