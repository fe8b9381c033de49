"""Browsing: search, pool lists, record details with 智能推荐."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from data.enums import ContactPurpose, FeedbackAction, RejectReason
from data.reference.vocabulary import FIELD_NAMES
from indexer.context import get_context
from web import boundary, listing
from web.db import get_session
from web.pages.blueprint import bp
from web.services import records, search
from web.services.details import record_page
from web.viewer import current_actor, current_user_or_none, current_viewer


def _page(high: int = boundary.MAX_LIST_PAGE) -> int:
    """The ``page`` query parameter: 1 when absent, 400 naming it when not 1 to ``high``."""
    return boundary.arg_int("page", 1, high=high)


@bp.get("/")
def home() -> ResponseReturnValue:
    text = request.args.get("q", "").strip()[:200]
    chosen = boundary.parse_pool(request.args["pool"], "pool") if "pool" in request.args else None
    result = None
    if text:  # no tab chosen: the one with the best match (search.default_pool)
        result = search.search_pools(get_session(), get_context(), text, chosen, current_viewer(),
                                     _page(boundary.MAX_SEARCH_PAGE),
                                     request.args.get("field") or None, request.args.get("region") or None)
    return render_template("home.html", text=text, pool=result.pool if result else chosen, chosen=chosen,
                           result=result, fields=FIELD_NAMES)


@bp.get("/pool/<pool_name>")
def pool_list(pool_name: str) -> ResponseReturnValue:
    pool, viewer = boundary.parse_pool(pool_name), current_viewer()
    query = listing.parse_list_query(pool, request.args, viewer.staff)
    data = records.list_records(get_session(), pool, viewer, _page(), query=query)
    return render_template("pool_list.html", fields=FIELD_NAMES, listing=listing, **data)


@bp.get("/pool/<pool_name>/<int:record_id>")
def detail(pool_name: str, record_id: int) -> ResponseReturnValue:
    page = record_page(get_session(), get_context(), boundary.parse_pool(pool_name), record_id, current_viewer(),
                       current_user_or_none(), current_actor())
    return render_template("detail.html", **vars(page), actions=FeedbackAction, reasons=RejectReason.labels(),
                           purposes=list(ContactPurpose))
