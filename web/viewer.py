"""Who is asking: the logged-in user as a matching ``Viewer`` (anonymous: public records only)."""

from __future__ import annotations

from flask_login import current_user

from data.enums import Role
from matcher.engine import Viewer


def current_viewer() -> Viewer:
    if not current_user.is_authenticated:
        return Viewer()
    from web.auth import member_in_good_standing

    staff = current_user.role in (Role.STAFF, Role.ADMIN)
    return Viewer(org_id=current_user.org_id, member=member_in_good_standing(current_user), staff=staff)


def current_actor() -> str | None:
    """The key feedback is stored under: the user id."""
    return str(current_user.id) if current_user.is_authenticated else None
