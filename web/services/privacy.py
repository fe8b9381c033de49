"""A person's own data: the download of everything stored about them, and deleting a student's account."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from data.models import User
from data.workflows.accounts import check_password
from data.workflows.privacy import delete_account, personal_data


def personal_data_json(session: Session, user: User) -> str:
    """Everything stored about the user, as indented JSON; the download is audited (committed)."""
    data = personal_data(session, user)
    session.commit()
    return json.dumps(data, ensure_ascii=False, indent=2)


def close_account(session: Session, user: User, password: str) -> bool:
    """Delete the user's account and what hangs on it when ``password`` is theirs (committed);
    False, with nothing changed, when it is not."""
    if not check_password(user, password):
        return False
    delete_account(session, user)
    session.commit()
    return True
