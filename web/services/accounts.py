"""Accounts as their pages run them: logging in and out, registering, a new organization's
application to join, the account's name and password, and the secretariat's approval. Each
action commits what it did."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from data.models import Organization, User
from data.reference.regions import get_region
from data.workflows import accounts
from data.workflows.joining import Applied, apply_as_new_organization, suggest_organizations
from data.workflows.membership import touch_activity


def log_in(session: Session, username: str, password: str, address: str) -> tuple[User | None, str]:
    """(the user, "") for the right credentials, else (None, why, in Chinese). Committed either
    way: failed attempts count towards the back-off, a login counts as the organization's activity."""
    try:
        user = accounts.authenticate(session, username, password, address)
    except accounts.AccountError as exc:
        session.commit()
        return None, str(exc)
    touch_activity(session, user.org_id)
    session.commit()
    return user, ""


def log_out(session: Session, user: User) -> None:
    """End every session of the account (a copy of the cookie dies too), committed."""
    accounts.end_sessions(session, user)
    session.commit()


def register(session: Session, form: Mapping[str, str]) -> tuple[User | None, dict[str, str],
                                                                 list[tuple[Organization, str]]]:
    """Self-registration (committed when accepted): (the new account or None, errors by field,
    organizations like the one typed with their region's name, when it was not found)."""
    user, errors = accounts.register(session, form)
    if user is not None:
        session.commit()
        return user, errors, []
    suggestions: list[tuple[Organization, str]] = []
    if "org_name" in errors and (typed := (form.get("org_pick") or form.get("org_name") or "").strip()):
        suggestions = [(o, r.full_name if (r := get_region(o.region_code)) else "")
                       for o in suggest_organizations(session, typed)]
    return None, errors, suggestions


def apply_to_join(session: Session, form: Mapping[str, str]) -> Applied:
    """A new organization's application to join (committed when accepted; errors by field otherwise)."""
    applied = apply_as_new_organization(session, form)
    if applied.application is not None:
        session.commit()
    return applied


def rename(session: Session, user: User, display_name: str) -> dict[str, str]:
    """The account's own name; errors by field, committed when there are none."""
    errors = accounts.rename(session, user, display_name)
    if not errors:
        session.commit()
    return errors


def change_password(session: Session, user: User, form: Mapping[str, Any]) -> dict[str, str]:
    """A new password (every session of the account ends with the old one); errors by field,
    committed when there are none."""
    errors = accounts.change_password(session, user, form.get("old", ""), form.get("new", ""), form.get("new2", ""))
    if not errors:
        session.commit()
    return errors


def decide_account(session: Session, staff: User, user_id: int, approve: bool) -> str:
    """Approve or refuse a registration, committed; the account's username."""
    user = accounts.approve_account(session, staff, user_id, approve)
    username = user.username
    session.commit()
    return username
