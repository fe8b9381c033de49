"""A need posted by an enterprise or a college (a 项目 record), matched as soon as it is saved."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from data.models import User
from data.workflows.needs import create_need
from data.workflows.records import Saved


def post_need(session: Session, user: User, form: Any) -> Saved:
    """Save a need from its form; committed unless a field failed its check (``Saved.errors``)."""
    saved = create_need(session, user, form)
    if saved.record is not None and not saved.errors:
        session.commit()
    return saved


def posted_message(saved: Saved) -> str:
    """What the page says after a need is saved (published, or waiting for review)."""
    done = "需求已发布" if saved.outcome == "published" else f"需求{saved.message}"
    return f"{done}，以下是为它匹配的专家、教师与科技成果"
