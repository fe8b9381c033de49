"""Who is asking: the logged-in user as a matching ``Viewer`` (anonymous: public records only)."""

from __future__ import annotations

from flask_login import current_user

from data.enums import Role
from data.models import User
from matcher.engine import Viewer


def current_viewer() -> Viewer:
    if not current_user.is_authenticated:
        return Viewer()
    from data.access import member_in_good_standing

    # A student belongs to a college but is not one of its insiders: classmates' 仅本单位
    # profiles stay hidden from them; their own profile is theirs through ``user_id``.
    insider = current_user.org_id if current_user.role is not Role.STUDENT else None
    return Viewer(org_id=insider, member=member_in_good_standing(current_user), staff=current_user.role.is_staff, user_id=current_user.id)


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
