"""The registry of matching directions: one file per direction in this package declares its
:class:`Direction` (key, Chinese label, source pool, which records may ask it, its ranking
function) beside its recipe, gates, features, weights and thresholds; :data:`REGISTRY` lists
them. The web layer, the API and the templates read directions from here.

Adding a direction: its file here, its line in :data:`REGISTRY`, its key in
``data.workflows.feedback.DIRECTION_KEYS`` (feedback is stored by key; loading refuses a
registry that differs from it).
"""

from __future__ import annotations

from data.access import pool_of
from data.models import PoolRecord
from data.workflows.feedback import DIRECTION_KEYS
from matcher.directions import (
    achievement_enterprises,
    college_enterprises,
    course_teachers,
    enterprise_colleges,
    internship_talents,
    need_achievements,
    need_experts,
    person_projects,
    talent_internships,
    teacher_enterprises,
)
from matcher.directions.direction import Direction

REGISTRY: dict[str, Direction] = {x.key: x for x in (
    need_experts.DIRECTION,
    need_achievements.DIRECTION,
    course_teachers.DIRECTION,
    achievement_enterprises.DIRECTION,
    enterprise_colleges.DIRECTION,
    college_enterprises.DIRECTION,
    internship_talents.DIRECTION,
    talent_internships.DIRECTION,
    teacher_enterprises.DIRECTION,
    person_projects.FOR_EXPERT,
    person_projects.FOR_TEACHER,
)}
if set(REGISTRY) != set(DIRECTION_KEYS):  # feedback is stored and checked by these keys
    raise RuntimeError("matcher.directions.REGISTRY and data.workflows.feedback.DIRECTION_KEYS differ: "
                       f"{sorted(set(REGISTRY) ^ set(DIRECTION_KEYS))}")


def get(key: str) -> Direction | None:
    """The direction of ``key``; None for an unknown key."""
    return REGISTRY.get(key)


def directions_for(record: PoolRecord) -> list[Direction]:
    """The directions a stored record may ask, in registry order."""
    pool = pool_of(record)
    return [x for x in REGISTRY.values() if x.source is pool and x.applies(record)]


__all__ = ["Direction", "REGISTRY", "directions_for", "get"]
