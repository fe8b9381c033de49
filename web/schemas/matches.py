"""A recommendation as JSON: the match with its score, its parts and every reason."""

from __future__ import annotations

from typing import Any

from matcher.engine import Match


def match_json(match: Match) -> dict[str, Any]:
    """One match, scores rounded to one decimal (the evaluation's raw ``detail`` stays inside)."""
    return {
        "pool": match.pool.value, "id": match.id, "name": match.name, "score": round(match.score, 1),
        "parts": {k: round(v, 1) for k, v in match.parts.items()}, "matched_terms": match.matched_terms,
        "passed": match.passed, "reasons": match.reasons, "notes": match.notes,
        "org_id": match.org_id, "org_name": match.org_name,
    }


def recommendations_json(direction: str, matches: list[Match]) -> dict[str, Any]:
    """One direction's matches of a record."""
    return {"direction": direction, "items": [match_json(m) for m in matches]}
