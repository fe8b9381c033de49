"""What a match is asked for (a query) and what a candidate offers (its facets)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from data.access import pool_of
from data.enums import EducationLevel
from data.models import (
    Expert,
    Internship,
    Organization,
    PoolRecord,
    Project,
    Talent,
    Teacher,
    owner_org_id,
)
from indexer.documents import lexical_text, semantic_text


@dataclass
class MatchQuery:
    """A need, a post, a profile or free text, with whatever structure it carries."""

    text: str
    semantic: str | None = None  # what to embed, when shorter than ``text`` (e5 cost grows with length)
    # "passage" for a stored record: its own vector, computed when it was indexed, is reused.
    semantic_kind: str = "query"
    fields: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # skills/keywords wanted
    region_code: str | None = None
    org_id: int | None = None  # the asking organization (conflict of interest)
    majors: list[str] = field(default_factory=list)
    min_level: EducationLevel | None = None
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    source: PoolRecord | None = None  # the stored record asking, for two-sided directions


@dataclass
class Facets:
    """A candidate's structured side, read from its record."""

    fields: list[str]
    tags: list[str]
    region_code: str | None
    org_id: int | None


def facets_of(record: PoolRecord) -> Facets:
    fields = [f for f in (record.field, getattr(record, "discipline", None)) if f]
    tags = list(record.tags or [])
    if isinstance(record, Expert):
        tags = [*record.research_areas, *tags]
    elif isinstance(record, Teacher):
        tags = [*record.skills, *record.courses, *tags]
    elif isinstance(record, (Project, Internship)):
        tags = [*record.skills, *tags]
    elif isinstance(record, Talent):
        tags = [*record.skills, *record.certificates, *tags]
    elif isinstance(record, Organization):
        fields = [*fields, *record.industries]
        tags = [*record.industries, *record.majors, *tags]
    return Facets(fields, tags, record.region_code, owner_org_id(record))


def query_from_record(record: PoolRecord) -> MatchQuery:
    """The query a stored record asks: its text and its structure."""
    pool = pool_of(record)
    facets = facets_of(record)
    query = MatchQuery(text=lexical_text(pool, record)[:500], semantic=semantic_text(pool, record),
                       semantic_kind="passage", fields=facets.fields, tags=facets.tags, region_code=record.region_code,
                       org_id=facets.org_id, source=record)
    if isinstance(record, Internship):
        query.majors, query.min_level = list(record.majors), record.min_level
        query.period = (record.start_date, record.end_date)
    if isinstance(record, Talent):
        query.region_code = record.expected_city_code or record.region_code
        query.majors = [record.major]
        query.period = (record.available_from, record.available_to)
    return query
