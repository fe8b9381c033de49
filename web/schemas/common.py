"""What every resource's JSON shares: a labelled enum as ``{code, label}``, a time in ISO 8601
(UTC when stored without a zone), a score on the site's 匹配度 scale (0–100), a person or post
by id and name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from data.enums import LabeledEnum
from data.models import Internship, Talent


def label(value: LabeledEnum | None) -> dict[str, str] | None:
    return {"code": value.value, "label": value.label} if value is not None else None


def moment(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)).isoformat()


def percent(score: float | None) -> float | None:
    """A 0–1 score as the site shows it: 匹配度 0–100, one decimal."""
    return round(100 * score, 1) if score is not None else None


def post_json(post: Internship) -> dict[str, Any]:
    return {"id": post.id, "name": post.name, "organization": {"id": post.owner_org_id, "name": post.owner_org.name}}


def student_json(talent: Talent) -> dict[str, Any]:
    return {"id": talent.id, "name": talent.name, "school": talent.owner_org.name, "major": talent.major,
            "level": label(talent.level)}
