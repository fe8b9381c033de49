"""Who is asking: the logged-in user as a ``data.access.Viewer`` (anonymous: public records only)."""

from __future__ import annotations

from flask_login import current_user

from data.access import Viewer, viewer_for
from data.models import User


def current_viewer() -> Viewer:
    return viewer_for(current_user if current_user.is_authenticated else None)


def current_actor() -> str | None:
    """The key feedback is stored under: the user id."""
    return str(current_user.id) if current_user.is_authenticated else None


def current_user_or_none() -> User | None:
    """The logged-in user as the model object (None when anonymous): what services take."""
    if not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()
    return user


def logged_in_user() -> User:
    """The logged-in user as the model object, on a page that requires a login."""
    user = current_user_or_none()
    assert user is not None, "the route must require a login"
    return user
