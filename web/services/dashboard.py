"""The secretariat's overview: the figures of ``data.workflows.dashboard``, the agreements' confirmed
totals and the indexes' vector progress."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from data.workflows.agreements import totals
from data.workflows.dashboard import overview
from indexer.context import IndexContext
from matcher.directions import REGISTRY
from web.services.matching import vector_progress


def dashboard(session: Session, ctx: IndexContext) -> dict[str, Any]:
    """Everything ``staff_dashboard.html`` shows."""
    labels = {key: d.label for key, d in REGISTRY.items()}
    return {"vectors": vector_progress(ctx), "agreement_totals": totals(session), **overview(session, labels)}
