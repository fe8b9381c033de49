"""Create and edit records of every pool with one form per pool; 「我的记录」 with review state."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sqlalchemy import func, select

from data.sheets.columns import Kind
from data.sheets.display import card_facts
from data.access import may_create, may_edit
from data.workflows.records import (EditError, create_record, delete_record, form_columns, form_values,
                          open_revisions, owned_records, update_record)
from data.enums import Status
from data.errors import NotAllowed
from data.models import MODELS, Application, ContactRequest, Feedback, PracticeProposal, Review, Revision
from data.models.dependents import dependent_conditions
from data.pools import Pool
from data.workflows.review import last_reason
from web import services
from web.db import get_session
from web.pages.blueprint import bp
from web.viewer import current_viewer


def _render(pool, form, errors, record=None):  # type: ignore[no-untyped-def]
    return render_template("record_form.html", pool=pool, record=record, columns=form_columns(pool, current_user),
                           form=form, errors=errors, kinds=Kind), (400 if errors else 200)


def _after_save(pool, saved):  # type: ignore[no-untyped-def]
    get_session().commit()
    flash(saved.message)
    return redirect(url_for("pages.detail", pool_name=pool.value, record_id=saved.record.id) + "#recs")


@bp.route("/pool/<pool_name>/new", methods=["GET", "POST"])
@login_required
def new_record(pool_name: str):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    if not may_create(current_user, pool):
        raise NotAllowed("pool", f"当前账号不能在{pool.label}中新建记录")
    if request.method == "GET":
        return _render(pool, {}, {})
    saved = create_record(get_session(), current_user, pool, request.form)
    return _render(pool, request.form, saved.errors) if saved.errors else _after_save(pool, saved)


@bp.route("/pool/<pool_name>/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit_record(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    session = get_session()
    record = services.get_record(session, pool, record_id, current_viewer())
    if not may_edit(current_user, record):
        raise NotAllowed("id", f"当前账号不能修改这条{pool.label}记录")
    if request.method == "GET":
        return _render(pool, form_values(pool, record), {}, record)
    saved = update_record(session, current_user, pool, record, request.form)
    return _render(pool, request.form, saved.errors, record) if saved.errors else _after_save(pool, saved)


@bp.get("/mine")
@login_required
def mine():  # type: ignore[no-untyped-def]
    session = get_session()
    items = []
    for pool, record in owned_records(session, current_user):
        reason = last_reason(session, pool, record.id) if record.status in (Status.DRAFT, Status.REJECTED) else ""
        items.append((pool, record, reason, open_revisions(session, pool, record.id), may_edit(current_user, record)))
    creatable = [p for p in Pool if may_create(current_user, p)]
    return render_template("mine.html", items=items, creatable=creatable)


# What a deletion takes along (``data.models.dependents``), as the confirmation page names it.
_GOES_WITH = {ContactRequest: "联系方式申请与授权", Feedback: "推荐反馈", Review: "审核记录", Revision: "修改申请",
              Application: "实习申请", PracticeProposal: "教师实践推荐"}


@bp.get("/pool/<pool_name>/<int:record_id>/delete")
@login_required
def delete_confirm(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    """The step before deleting: the record, what goes with it, and the button that deletes."""
    pool = services.parse_pool(pool_name)
    session = get_session()
    record = services.get_record(session, pool, record_id, current_viewer())
    if not may_edit(current_user, record):
        raise NotAllowed("id", f"当前账号不能删除这条{pool.label}记录")
    if pool is Pool.ORGANIZATION:
        raise EditError("id", "单位不能直接删除：退出联盟请按章程办理，重复的单位请由秘书处合并")
    goes: dict[str, int] = {}
    for dependent, where in dependent_conditions(MODELS[pool], [record.id]):
        count = session.scalar(select(func.count()).select_from(dependent).where(where)) or 0
        label = _GOES_WITH.get(dependent, dependent.__name__)
        if count:
            goes[label] = goes.get(label, 0) + count
    return render_template("record_delete.html", pool=pool, record=record, goes=goes,
                           facts=card_facts(pool, record))


@bp.post("/pool/<pool_name>/<int:record_id>/delete")
@login_required
def delete_record_page(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    session = get_session()
    record = services.get_record(session, pool, record_id, current_viewer())
    name = record.name
    delete_record(session, current_user, pool, record)
    session.commit()
    flash(f"已删除{pool.label}记录「{name}」")
    return redirect(url_for("pages.mine"))
