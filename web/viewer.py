"""Who is asking: the logged-in user as a ``data.access.Viewer`` (anonymous: public records only)."""

from __future__ import annotations

from flask_login import current_user

from data.access import Viewer, viewer_for


def current_viewer() -> Viewer:
    return viewer_for(current_user if current_user.is_authenticated else None)


def current_actor() -> str | None:
    """The key feedback is stored under: the user id."""
    return str(current_user.id) if current_user.is_authenticated else None
