"""Structured features: small pure functions of plain values, each returning a float in [0, 1]
(or None when it does not apply because one side lacks the information)."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable

from data.reference.regions import city_of, province_of
from data.reference.vocabulary import ECONOMIC_REGIONS


def _norm(items: Iterable[str]) -> set[str]:
    return {i.strip().lower() for i in items if i and i.strip()}


def field_agreement(query_fields: Iterable[str], candidate_fields: Iterable[str]) -> float | None:
    """1 when the 行业领域/disciplines share a value, 0 when both are known and differ."""
    q, c = _norm(query_fields), _norm(candidate_fields)
    if not q or not c:
        return None
    return 1.0 if q & c else 0.0


def economic_region(code: str | None) -> str | None:
    """The economic region (粤港澳大湾区, 成渝地区, …) a region code lies in, if any."""
    if not code:
        return None
    for name, prefixes in ECONOMIC_REGIONS.items():
        if any(code.startswith(p) for p in prefixes):
            return name
    return None


def region_proximity(a: str | None, b: str | None) -> float | None:
    """Same city 1.0 > same province 0.7 > same economic region 0.5 > elsewhere 0.1."""
    if not a or not b:
        return None
    city_a, city_b = city_of(a), city_of(b)
    if city_a is not None and city_b is not None and city_a.code == city_b.code:
        return 1.0
    prov_a, prov_b = province_of(a), province_of(b)
    if prov_a is not None and prov_b is not None and prov_a.code == prov_b.code:
        return 0.7
    econ = economic_region(a)
    if econ is not None and econ == economic_region(b):
        return 0.5
    return 0.1


def region_label(score: float | None) -> str:
    return {1.0: "同城", 0.7: "同省", 0.5: "同一经济区"}.get(score or 0.0, "异地")


def overlap(wanted: Iterable[str], offered: Iterable[str]) -> float | None:
    """Share of what is wanted that is offered (skills, tags, majors); substring-tolerant."""
    w, o = _norm(wanted), _norm(offered)
    if not w or not o:
        return None
    hit = sum(1 for x in w if x in o or any(x in y or y in x for y in o if len(x) >= 2 and len(y) >= 2))
    return hit / len(w)


def level_fit(required_rank: int | None, actual_rank: int | None) -> float | None:
    """Education level: meets the minimum 1.0; one level short 0.3; more 0."""
    if required_rank is None or actual_rank is None:
        return None
    gap = required_rank - actual_rank
    return 1.0 if gap <= 0 else (0.3 if gap == 1 else 0.0)


def period_fit(need_start: dt.date | None, need_end: dt.date | None,
               free_from: dt.date | None, free_to: dt.date | None) -> float | None:
    """Share of the needed period (internship dates) the person is available for."""
    if not need_start or not need_end or not free_from or not free_to:
        return None
    days = (need_end - need_start).days + 1
    if days <= 0:
        return None
    shared = (min(need_end, free_to) - max(need_start, free_from)).days + 1
    return max(0.0, min(1.0, shared / days))


def deadline_open(deadline: dt.date | None, today: dt.date) -> bool:
    """A need whose deadline passed is closed (hard filter)."""
    return deadline is None or deadline >= today


def capacity_left(seats: int, taken: int) -> float:
    """Share of seats still open (0 when full)."""
    return 0.0 if seats <= 0 else max(0.0, (seats - taken) / seats)


def recency(updated: dt.datetime | None, now: dt.datetime, half_life_days: float = 365.0) -> float | None:
    """1 for a record updated now, halving every ``half_life_days``."""
    if updated is None:
        return None
    if updated.tzinfo is None:
        updated = updated.replace(tzinfo=dt.timezone.utc)
    age = max(0.0, (now - updated).total_seconds() / 86400)
    return math.pow(0.5, age / half_life_days)


def completeness(filled: int, total: int) -> float:
    """Share of a record's optional fields that are filled in."""
    return 0.0 if total <= 0 else min(1.0, filled / total)


def load_penalty(active: int, limit: int) -> float:
    """1 while an expert or teacher is under their engagement limit, then down by half per extra."""
    return 1.0 if active < limit else math.pow(0.5, active - limit + 1)


def bigram_similarity(a: str | None, b: str | None) -> float | None:
    """Character-bigram overlap of two short Chinese phrases (an expected role vs a post)."""
    if not a or not b:
        return None
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)} or {a}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)} or {b}
    return len(grams_a & grams_b) / len(grams_a)


_SEGMENT_SPLIT = re.compile(r"[\s,，、;；。.．/|｜]+")


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


KEYWORD_MAX = 12  # a longer segment is a clause, not a keyword


def query_segments(text: str) -> list[str]:
    """The keywords of a keyword-style query ("机器视觉 缺陷检测", "PLC、电气控制"): two or more
    segments of 2–12 characters. A sentence-like query has none."""
    parts = list(dict.fromkeys(squash(p) for p in _SEGMENT_SPLIT.split(text) if squash(p)))
    if len(parts) < 2 or any(len(p) > KEYWORD_MAX for p in parts):
        return []
    return [p for p in parts if len(p) >= 2]


def keywords_found(segments: list[str], text: str) -> list[str]:
    """The query's keywords that occur verbatim in a record's text (spacing and width folded).
    Bag-of-words scores split 「肝炎病毒」 into 肝炎 and 病毒; this keeps the phrase whole."""
    squashed = squash(text)
    return [s for s in segments if s in squashed]
