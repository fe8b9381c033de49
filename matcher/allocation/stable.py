"""Stable allocation: student-proposing deferred acceptance with post capacities (the
hospital/resident algorithm), extended to the shared caps.

Each free student, taken in id order, proposes to the next post of their order; the post holds
its best applicants up to its capacity and rejects the worst (by its order). When a placement
breaks a shared cap (a site's, the apprentice share, a school quota), the group rejects its
weakest holder: lowest score first, then the higher student id. A rejected student never
proposes to that post again and goes on down their order.

With post capacities alone this is the student-optimal stable matching — the same one the
``matching`` package's ``HospitalResident`` gives — and no pair blocks it. Shared caps can make
every matching unstable (sites or quotas crossing the posts' own orders); then, after deferred
acceptance, a bounded repair lets blocking pairs move (the student takes the post, displacing
its worst applicant whose seat the caps let go, who then proposes on) for at most
``REPAIR_ROUNDS`` rounds. What still blocks is counted in the metrics' ``blocking_pairs``.
"""

from __future__ import annotations

import heapq
from collections import deque

from matcher.allocation.metrics import blocking_pairs
from matcher.allocation.outcome import build_allocation
from matcher.allocation.preferences import Prepared, prepare
from matcher.allocation.problem import Problem
from matcher.allocation.result import Allocation, Method
from matcher.allocation.rules import Group, Ledger

REPAIR_ROUNDS = 20


def allocate_stable(problem: Problem) -> Allocation:
    """Place the students of ``problem`` by deferred acceptance; see the module docstring."""
    prepared = prepare(problem)
    return build_allocation(prepared, Method.STABLE, deferred_acceptance(prepared))


def deferred_acceptance(prepared: Prepared) -> dict[int, int]:
    """Student id → post id for the placed."""
    state = _Proposals(prepared)
    state.run(deque(sorted(prepared.students)))
    if prepared.book.has_shared_caps:
        for _ in range(REPAIR_ROUNDS):
            if not state.repair():
                break
    return dict(state.assigned)


class _Proposals:
    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.book = prepared.book
        self.ledger = Ledger(prepared.book)
        self.assigned: dict[int, int] = {}
        self.members: dict[int, set[int]] = {post_id: set() for post_id in prepared.posts}
        self.next_choice = dict.fromkeys(prepared.students, 0)
        # Lazy heaps: an entry is stale once its student no longer holds that post.
        self.worst_at: dict[int, list[tuple[int, int]]] = {}  # post → (-rank, student)
        self.weakest_in: dict[Group, list[tuple[float, int, int, int]]] = {}  # group → (score, -student, student, post)

    def run(self, queue: deque[int]) -> None:
        order = self.prepared.order
        while queue:
            sid = queue.popleft()
            if sid in self.assigned:
                continue
            choices = order[sid]
            i = self.next_choice[sid]
            while i < len(choices):
                post_id = choices[i]
                i += 1
                queue.extend(t for t in self._propose(sid, post_id) if t != sid)
                if self.assigned.get(sid) == post_id:
                    break
            self.next_choice[sid] = i

    def _propose(self, sid: int, post_id: int) -> list[int]:
        """Place ``sid`` at ``post_id`` and reject whom the capacity and the caps must; returns
        the rejected (``sid`` itself among them when it is the one)."""
        student, post = self.prepared.students[sid], self.prepared.posts[post_id]
        self._hold(sid, post_id)
        rejected = []
        if self.ledger.posts[post_id] > post.capacity:
            rejected.append(self._reject(self._worst_at(post_id)))
        if self.assigned.get(sid) == post_id:
            for group in self.book.groups(student, post):
                while self.ledger.groups[group] > self.book.cap(group):
                    rejected.append(self._reject(self._weakest_in(group)))
        return rejected

    def _hold(self, sid: int, post_id: int) -> None:
        student, post = self.prepared.students[sid], self.prepared.posts[post_id]
        self.assigned[sid] = post_id
        self.members[post_id].add(sid)
        self.ledger.add(student, post)
        heapq.heappush(self.worst_at.setdefault(post_id, []), (-self.prepared.post_rank[post_id][sid], sid))
        score = self.prepared.score(sid, post_id)
        for group in self.book.groups(student, post):
            heapq.heappush(self.weakest_in.setdefault(group, []), (score, -sid, sid, post_id))

    def _worst_at(self, post_id: int) -> int:
        heap = self.worst_at[post_id]
        while True:
            _, sid = heapq.heappop(heap)
            if self.assigned.get(sid) == post_id:
                return sid

    def _weakest_in(self, group: Group) -> int:
        heap = self.weakest_in[group]
        while True:
            _, _, sid, post_id = heapq.heappop(heap)
            if self.assigned.get(sid) == post_id:
                return sid

    def _reject(self, sid: int) -> int:
        post_id = self.assigned.pop(sid)
        self.members[post_id].discard(sid)
        self.ledger.remove(self.prepared.students[sid], self.prepared.posts[post_id])
        return sid

    def repair(self) -> bool:
        """Move every pair that still blocks, in student id order; False when none did."""
        moved = False
        queue: deque[int] = deque()
        for sid, post_id in blocking_pairs(self.prepared, self.assigned):
            blocks, displaced = self._move(sid, post_id)
            if not blocks:
                continue  # an earlier move this round settled it
            if sid in self.assigned:
                self._reject(sid)
            if displaced is not None:
                self._reject(displaced)
                queue.append(displaced)
            self._hold(sid, post_id)
            self.next_choice[sid] = self.prepared.order[sid].index(post_id) + 1
            moved = True
        self.run(queue)
        return moved

    def _move(self, sid: int, post_id: int) -> tuple[bool, int | None]:
        """Whether (``sid``, ``post_id``) still blocks, and whom the move displaces (None: it
        takes a free seat)."""
        prepared = self.prepared
        student, post = prepared.students[sid], prepared.posts[post_id]
        current = self.assigned.get(sid)
        order = prepared.order[sid]
        if current is not None and order.index(current) <= order.index(post_id):
            return False, None
        leaving = [(student, prepared.posts[current])] if current is not None else []
        if self.ledger.posts[post_id] < post.capacity and self.ledger.shared_obstacle(student, post, leaving) is None:
            return True, None
        ranks = prepared.post_rank[post_id]
        for other in sorted(self.members[post_id], key=lambda t: -ranks[t]):
            if ranks[other] <= ranks[sid]:
                break
            if self.ledger.shared_obstacle(student, post, leaving + [(prepared.students[other], post)]) is None:
                return True, other
        return False, None
