"""An application as JSON: its status, the post, the applicant, the résumé as sent (without
contact data), the interview, the decision, the two-sided fit (for the organization), what the
caller may do next, and its messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from data.enums import LabeledEnum
from data.models import Application, ApplicationMessage
from matcher.engine import Match


def _label(value: LabeledEnum | None) -> dict[str, str] | None:
    return {"code": value.value, "label": value.label} if value is not None else None


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)).isoformat()


def fit_json(match: Match | None) -> dict[str, Any] | None:
    if match is None:
        return None
    return {"score": round(match.score, 1), "parts": {k: round(v, 1) for k, v in match.parts.items()},
            "reasons": match.reasons}


def message_json(message: ApplicationMessage) -> dict[str, Any]:
    return {"id": message.id, "from_student": message.from_student, "text": message.text,
            "author": message.author.display_name if message.author is not None else None,
            "created_at": _time(message.created_at)}


def application_json(application: Application, side: str, actions: list[str], *, fit: Match | None = None,
                     resume: list[tuple[str, str]] | None = None,
                     messages: list[ApplicationMessage] | None = None) -> dict[str, Any]:
    post, talent = application.internship, application.talent
    out: dict[str, Any] = {
        "id": application.id, "side": side, "status": _label(application.status),
        "internship": {"id": post.id, "name": post.name, "seats": post.seats,
                       "organization": {"id": post.owner_org_id, "name": post.owner_org.name}},
        "talent": {"id": talent.id, "name": talent.name, "major": talent.major, "level": _label(talent.level),
                   "school": talent.owner_org.name},
        "created_at": _time(application.created_at), "updated_at": _time(application.updated_at),
        "cover_letter": application.cover_letter,
        "interview": ({"at": _time(application.interview_at), "place": application.interview_place,
                       "note": application.interview_note} if application.interview_at is not None else None),
        "decision": ({"reason": _label(application.reject_reason), "note": application.decision_note,
                      "decided_at": _time(application.decided_at)} if application.decided_at is not None else None),
        "fit": fit_json(fit), "actions": actions,
    }
    if resume is not None:
        out["resume"] = dict(resume)
    if messages is not None:
        out["messages"] = [message_json(m) for m in messages]
    return out
