"""Who is asking. Until accounts land every visitor is anonymous: public records only."""

from __future__ import annotations

from matcher.engine import Viewer


def current_viewer() -> Viewer:
    return Viewer()


def current_actor() -> str | None:
    return None
