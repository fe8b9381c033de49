"""Consent-gated contact: asking a record's people for their contact details, answering and
revoking, and the lists of requests sent and received."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from data.enums import AgreementKind
from data.models import ContactRequest, User
from data.pools import Pool
from data.workflows import contacts
from data.access import Viewer
from web.services.records import get_record


def ask_for_contact(session: Session, user: User, pool: Pool, record_id: int, viewer: Viewer, purpose: str,
                    message: str) -> None:
    """Send a contact request for a record the viewer may see (NotFound otherwise), committed."""
    record = get_record(session, pool, record_id, viewer)
    contacts.request_contact(session, user, pool, record, purpose, message)
    session.commit()


def contact_lists(session: Session, user: User) -> dict[str, Any]:
    """The requests the user sent and received, with the names of the records they are about
    (and the kinds a granted one's 合作记录 may be of)."""
    sent, received = contacts.requests_for(session, user)
    return {"sent": sent, "received": received, "names": contacts.target_names(session, sent + received),
            "agreement_kinds": list(AgreementKind)}


def answer(session: Session, user: User, request_id: int, accept: bool, reply: str) -> ContactRequest:
    """Grant or refuse a request the user answers for, committed."""
    item = contacts.answer(session, user, request_id, accept, reply)
    session.commit()
    return item


def revoke(session: Session, user: User, request_id: int) -> ContactRequest:
    """Take back a grant (or withdraw one's own request), committed."""
    item = contacts.revoke(session, user, request_id)
    session.commit()
    return item
