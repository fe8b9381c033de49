"""Create and edit records of every pool with one form per pool; 「我的记录」 with review state."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from data.models import PoolRecord
from data.pools import Pool
from data.sheets.columns import Kind
from data.sheets.display import card_facts
from data.workflows.records import Saved, form_columns, form_values
from web.boundary import parse_pool
from web.db import get_session
from web.pages.blueprint import bp
from web.services import records
from web.viewer import current_viewer, logged_in_user


def _render(pool: Pool, form: Any, errors: dict[str, str], record: PoolRecord | None = None) -> ResponseReturnValue:
    return render_template("record_form.html", pool=pool, record=record, columns=form_columns(pool, logged_in_user()),
                           form=form, errors=errors, kinds=Kind), (400 if errors else 200)


def _after_save(pool: Pool, saved: Saved) -> ResponseReturnValue:
    """The form again with its errors, or the saved record's page with what happened."""
    if saved.errors or saved.record is None:
        return _render(pool, request.form, saved.errors, saved.record)
    flash(saved.message)
    return redirect(url_for("pages.detail", pool_name=pool.value, record_id=saved.record.id) + "#recs")


@bp.route("/pool/<pool_name>/new", methods=["GET", "POST"])
@login_required
def new_record(pool_name: str) -> ResponseReturnValue:
    pool, user = parse_pool(pool_name), logged_in_user()
    records.check_may_create(user, pool)
    if request.method == "GET":
        return _render(pool, {}, {})
    return _after_save(pool, records.save_new(get_session(), user, pool, request.form))


@bp.route("/pool/<pool_name>/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit_record(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool, user, session = parse_pool(pool_name), logged_in_user(), get_session()
    record = records.editable_record(session, user, pool, record_id, current_viewer())
    if request.method == "GET":
        return _render(pool, form_values(pool, record), {}, record)
    return _after_save(pool, records.save_edit(session, user, pool, record, request.form))


@bp.get("/mine")
@login_required
def mine() -> ResponseReturnValue:
    user = logged_in_user()
    return render_template("mine.html", items=records.my_records(get_session(), user),
                           creatable=records.creatable_pools(user))


@bp.get("/pool/<pool_name>/<int:record_id>/delete")
@login_required
def delete_confirm(pool_name: str, record_id: int) -> ResponseReturnValue:
    """The step before deleting: the record, what goes with it, and the button that deletes."""
    pool = parse_pool(pool_name)
    record, goes = records.deletion_summary(get_session(), logged_in_user(), pool, record_id, current_viewer())
    return render_template("record_delete.html", pool=pool, record=record, goes=goes, facts=card_facts(pool, record))


@bp.post("/pool/<pool_name>/<int:record_id>/delete")
@login_required
def delete_record_page(pool_name: str, record_id: int) -> ResponseReturnValue:
    pool = parse_pool(pool_name)
    name = records.remove(get_session(), logged_in_user(), pool, record_id, current_viewer())
    flash(f"已删除{pool.label}记录「{name}」")
    return redirect(url_for("pages.mine"))
