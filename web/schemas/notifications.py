"""Messages, e-mail settings and subscriptions as JSON."""

from __future__ import annotations

from typing import Any

from data.models import Notification, Subscription
from data.workflows.notifications import InboxPage
from web.services.inbox import Settings


def notification_json(note: Notification) -> dict[str, Any]:
    return {"id": note.id, "kind": note.kind.value, "kind_label": note.kind.label, "title": note.title, "body": note.body,
            "link": note.link, "created_at": note.created_at.isoformat(), "read": note.read_at is not None,
            "mail": note.mail_state.value}


def inbox_json(page: InboxPage) -> dict[str, Any]:
    return {"page": page.page, "pages": page.pages, "total": page.total, "unread": page.unread,
            "items": [notification_json(n) for n in page.items]}


def settings_json(settings: Settings) -> dict[str, Any]:
    return {"email": settings.email, "mail_configured": settings.mail_on,
            "modes": {kind.value: mode.value for kind, mode in settings.modes.items()}}


def subscription_json(sub: Subscription) -> dict[str, Any]:
    return {"id": sub.id, "label": sub.label, "query": sub.query or None, "pool": sub.target_pool,
            "source_pool": sub.source_pool, "source_id": sub.source_id, "direction": sub.direction,
            "min_score": sub.min_score, "active": sub.active, "created_at": sub.created_at.isoformat()}
