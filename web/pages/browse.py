"""Browsing: search, pool lists, record details with 智能推荐."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from data.access import can_see, may_edit
from data.enums import ContactPurpose, FeedbackAction, RejectReason
from data.models import Teacher
from data.reference.vocabulary import FIELD_NAMES
from data.sheets.display import facts
from data.workflows.contacts import contact_panel
from data.workflows.proposals import may_propose
from indexer.context import get_context
from matcher.directions import REGISTRY
from web import boundary, listing, services
from web.db import get_session
from web.pages.blueprint import bp
from web.viewer import current_actor, current_viewer


def _page(high: int = boundary.MAX_LIST_PAGE) -> int:
    """The ``page`` query parameter: 1 when absent, 400 naming it when not 1 to ``high``."""
    return boundary.arg_int("page", 1, high=high)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    text = request.args.get("q", "").strip()[:200]
    chosen = services.parse_pool(request.args["pool"], "pool") if "pool" in request.args else None
    result = None
    if text:  # no tab chosen: the one with the best match (services.default_pool)
        result = services.search_pools(get_session(), get_context(), text, chosen, current_viewer(),
                                       _page(boundary.MAX_SEARCH_PAGE),
                                       request.args.get("field") or None, request.args.get("region") or None)
    return render_template("home.html", text=text, pool=result.pool if result else chosen, chosen=chosen,
                           result=result, fields=FIELD_NAMES)


@bp.get("/pool/<pool_name>")
def pool_list(pool_name: str):  # type: ignore[no-untyped-def]
    pool, viewer = services.parse_pool(pool_name), current_viewer()
    query = listing.parse_list_query(pool, request.args, viewer.staff)
    data = services.list_records(get_session(), pool, viewer, _page(), query=query)
    return render_template("pool_list.html", fields=FIELD_NAMES, listing=listing, **data)


@bp.get("/pool/<pool_name>/<int:record_id>")
def detail(pool_name: str, record_id: int):  # type: ignore[no-untyped-def]
    pool = services.parse_pool(pool_name)
    session, viewer = get_session(), current_viewer()
    record = services.get_record(session, pool, record_id, viewer)
    panels = services.recommendations(session, get_context(), pool, record, viewer, current_actor())
    editable = current_user.is_authenticated and may_edit(current_user, record)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    can_propose = user is not None and isinstance(record, Teacher) and may_propose(user, record)
    contact = contact_panel(session, user, pool, record)
    cards = listing.match_cards(session, panels, lambda r: can_see(r, viewer))
    return render_template("detail.html", pool=pool, record=record, panels=panels, actions=FeedbackAction,
                           reasons=RejectReason.labels(), editable=editable, can_propose=can_propose, contact=contact,
                           purposes=list(ContactPurpose), facts=facts(pool, record, staff=viewer.staff), cards=cards,
                           waiting=services.waits_for_vector(get_context(), pool, record.id), directions=REGISTRY)
