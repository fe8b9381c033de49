"""Why a student is unplaced, and the three posts nearest to them with what stands in the way.

The reason is the first of these that holds (``Reason``, each with its Chinese label):

1. ``NO_PREFERENCES``: none of their wishes reaches the floor (no choices and no post scored at
   the floor, or every chosen post below it);
2. ``NO_MAJOR_POST``: none of the rest admits their major and level;
3. ``CITY_MISMATCH``: those that do all lie outside the cities they will go to;
4. ``NOT_ACCEPTABLE``: the rest all marked them not acceptable or conflict with them;
5. for the posts left (their order), as they stand after the run: ``OUTRANKED`` when every one is
   full with applicants it ranks above them; when a shared cap stands in the way of one, the cap
   at the first such post of their order: ``SITE_CAPPED`` (its site), ``APPRENTICE_CAPPED`` (the
   apprentice share) or ``SCHOOL_CAPPED`` (their school's quota); ``FULL`` otherwise.

The alternatives are the posts they hold a score with or chose, by ``(-score, post id)``; for
each the first obstacle: a pair rule, then "not chosen", then the seats (``Obstacle``).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from matcher.allocation.preferences import Prepared
from matcher.allocation.result import Alternative, Obstacle, Reason, Unplaced
from matcher.allocation.rules import Ledger

ALTERNATIVES = 3
_SHARED = {Obstacle.SITE_FULL: Reason.SITE_CAPPED, Obstacle.APPRENTICE_FULL: Reason.APPRENTICE_CAPPED,
           Obstacle.SCHOOL_QUOTA: Reason.SCHOOL_CAPPED}


class Seats:
    """The seats as a run left them: who holds each post, and the shared caps' counts."""

    def __init__(self, prepared: Prepared, assignment: Mapping[int, int]) -> None:
        self.prepared = prepared
        self.held: dict[int, list[int]] = {}
        for sid, post_id in assignment.items():
            self.held.setdefault(post_id, []).append(sid)
        self.ledger = Ledger.of(prepared.book, ((prepared.students[s], prepared.posts[p]) for s, p in assignment.items()))

    def obstacle(self, sid: int, post_id: int) -> Obstacle:
        """What keeps unplaced ``sid`` from ``post_id``, a pair the rules allow."""
        post, student = self.prepared.posts[post_id], self.prepared.students[sid]
        members = self.held.get(post_id, [])
        if len(members) >= post.capacity:
            ranks = self.prepared.post_rank[post_id]
            mine = ranks.get(sid)
            if mine is not None and all(ranks[t] < mine for t in members):
                return Obstacle.OUTRANKED
            return Obstacle.FULL
        return self.ledger.shared_obstacle(student, post) or Obstacle.OPEN


def explain_unplaced(prepared: Prepared, assignment: Mapping[int, int]) -> list[Unplaced]:
    """Every unplaced student, by id, with their reason and nearest alternatives."""
    seats = Seats(prepared, assignment)
    return [Unplaced(sid, unplaced_reason(prepared, seats, sid), alternatives(prepared, seats, sid))
            for sid in sorted(prepared.students) if sid not in assignment]


def unplaced_reason(prepared: Prepared, seats: Seats, sid: int) -> Reason:
    student = prepared.students[sid]
    obstacles = [prepared.book.pair_obstacle(student, prepared.posts[p], prepared.score(sid, p))
                 for p in prepared.wishes[sid]]
    left = [o for o in obstacles if o is not Obstacle.BELOW_FLOOR]
    if not left:
        return Reason.NO_PREFERENCES
    left = [o for o in left if o not in (Obstacle.MAJOR, Obstacle.LEVEL)]
    if not left:
        return Reason.NO_MAJOR_POST
    left = [o for o in left if o is not Obstacle.CITY]
    if not left:
        return Reason.CITY_MISMATCH
    if not prepared.order[sid]:
        return Reason.NOT_ACCEPTABLE
    found = [seats.obstacle(sid, p) for p in prepared.order[sid]]
    if all(o is Obstacle.OUTRANKED for o in found):
        return Reason.OUTRANKED
    capped = [_SHARED[o] for o in found if o in _SHARED]
    if capped:
        return capped[0]
    return Reason.FULL


def alternatives(prepared: Prepared, seats: Seats, sid: int) -> tuple[Alternative, ...]:
    student = prepared.students[sid]
    wished = set(prepared.wishes[sid])
    candidates = wished.union(prepared.scored.get(sid, ()))
    nearest = heapq.nsmallest(ALTERNATIVES, candidates, key=lambda p: (-prepared.score(sid, p), p))
    found = []
    for post_id in nearest:
        score = prepared.score(sid, post_id)
        obstacle = prepared.book.pair_obstacle(student, prepared.posts[post_id], score)
        if obstacle is None:
            obstacle = Obstacle.NOT_CHOSEN if post_id not in wished else seats.obstacle(sid, post_id)
        found.append(Alternative(post_id, score, obstacle))
    return tuple(found)
