"""双选 rounds as JSON: a round, the staff's view of it (posts, students, the placed with score and
志愿序号, the unplaced with the reason and the nearest posts, the figures), a student's choices
and result, an enterprise's applicants with their marks. Scores on the 匹配度 scale (0–100)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from data.models import AllocationRound, RoundPost
from data.workflows.rounds import Applicant
from web.schemas.common import label, moment, percent, post_json, student_json
from web.services.rounds import FIGURES, Outcome


def round_json(chosen: AllocationRound) -> dict[str, Any]:
    return {"id": chosen.id, "name": chosen.name, "status": label(chosen.status), "method": label(chosen.method),
            "max_choices": chosen.max_choices, "floor": percent(chosen.floor),
            "apprentice_share": chosen.apprentice_share, "school_quota": chosen.school_quota,
            "school_total": chosen.school_total, "site_caps": dict(chosen.site_caps or {}),
            "student_deadline": moment(chosen.student_deadline),
            "enterprise_deadline": moment(chosen.enterprise_deadline), "created_at": moment(chosen.created_at)}


def seat_json(post: RoundPost) -> dict[str, Any]:
    return {"internship": post_json(post.internship), "seats": post.seats}


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """One student's result: the post (null when unplaced) with 匹配度 and 志愿序号, or the reason and
    the nearest posts with what stands in the way."""
    return {"talent": student_json(outcome.talent),
            "internship": post_json(outcome.post) if outcome.post is not None else None,
            "score": percent(outcome.score), "rank": outcome.rank, "reason": outcome.reason or None,
            "alternatives": [{"internship_id": a.post_id, "name": a.post, "score": percent(a.score), "why_not": a.why_not}
                             for a in outcome.alternatives]}


def round_detail_json(page: dict[str, Any]) -> dict[str, Any]:
    """``web.services.rounds.round_page`` for staff; ``figures`` keyed as the round stores them
    (``placed_share`` 0–1, ``welfare`` the total fit 0–1 per pair summed)."""
    metrics = page["round"].metrics or {}
    return {**round_json(page["round"]), "posts": [seat_json(p) for p in page["posts"]],
            "students": [student_json(s.talent) for s in page["students"]], "chose": page["chose"],
            "placed": [outcome_json(o) for o in page["placed"]], "unplaced": [outcome_json(o) for o in page["unplaced"]],
            "figures": {key: {"label": name, "value": metrics[key]} for key, name in FIGURES
                        if metrics.get(key) is not None}}


def choices_json(page: dict[str, Any]) -> dict[str, Any]:
    """``web.services.rounds.choices_page``: the student's choices (post ids, first first), the
    suggestion while none are saved, and once published their result."""
    return {**round_json(page["round"]), "posts": [seat_json(p) for p in page["posts"]], "choices": page["choices"],
            "suggested": page["suggested"], "prefilled": page["prefilled"],
            "result": outcome_json(page["outcome"]) if page["outcome"] is not None else None}


def applicant_json(applicant: Applicant, post_id: int, placed: Collection[tuple[int, int]]) -> dict[str, Any]:
    return {"talent": student_json(applicant.talent), "choice_rank": applicant.choice_rank,
            "mark": label(applicant.mark), "placed": (post_id, applicant.talent.id) in placed}


def marks_json(page: dict[str, Any]) -> dict[str, Any]:
    """``web.services.rounds.marks_page``: each of the enterprise's posts in the round with the
    round's students (those who chose it first, by the place they gave it) and the marks given."""
    return {**round_json(page["round"]),
            "posts": [{**seat_json(post), "applicants": [applicant_json(a, post.internship_id, page["placed"])
                                                         for a in people]} for post, people in page["posts"]]}
