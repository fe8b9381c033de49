"""The hard rules of a 双选 round: what rules a pair out by itself (floor, major, level, city,
conflicts of interest, the enterprise's 「不接受」), and the shared caps that count placements
across posts (sites, the apprentice share, school quotas).

A shared cap is a *group*: ``("site", site)``, ``("apprentice", 0)``, ``("school_enterprise",
school, enterprise)`` or ``("school", school)``; a placement of a student at a post counts
against every group it falls in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from matcher.allocation.problem import Mark, Post, Problem, Student
from matcher.allocation.result import Obstacle

Group = tuple[str, int, int]
GROUP_OBSTACLES = {"site": Obstacle.SITE_FULL, "apprentice": Obstacle.APPRENTICE_FULL,
                   "school_enterprise": Obstacle.SCHOOL_QUOTA, "school": Obstacle.SCHOOL_QUOTA}


def in_region(code: str | None, wishes: frozenset[str]) -> bool:
    """Whether a post at ``code`` lies within one of the wished GB/T 2260 regions: a province code
    (``440000``) covers its cities and districts, a city code (``440100``) its districts. A post of
    unknown place, or a student who will go anywhere, passes."""
    if not wishes or not code:
        return True
    for wish in wishes:
        prefix = wish[:2] if wish.endswith("0000") else wish[:4] if wish.endswith("00") else wish
        if code.startswith(prefix):
            return True
    return False


class RuleBook:
    """The rules of one round, read once from its ``Problem``."""

    def __init__(self, problem: Problem) -> None:
        rules = problem.rules
        self.floor = rules.floor
        self.conflicts = rules.conflicts
        self.caps: dict[Group, int] = {("site", site, 0): cap for site, cap in rules.sites.items()}
        self.caps.update({("school", school, 0): cap for school, cap in rules.school_total.items()})
        apprentice = rules.apprentice_cap(len(problem.students))
        self._apprentice = apprentice is not None
        if apprentice is not None:
            self.caps[("apprentice", 0, 0)] = apprentice
        self._per_enterprise = rules.school_per_enterprise
        self._school_total = set(rules.school_total)

    @property
    def has_shared_caps(self) -> bool:
        return bool(self.caps) or self._per_enterprise is not None

    def pair_obstacle(self, student: Student, post: Post, score: float) -> Obstacle | None:
        """The first rule that rules this pair out by itself, in the order unplaced reasons are
        decided; None when the pair may be assigned (seats permitting)."""
        if self.floor is not None and score < self.floor:
            return Obstacle.BELOW_FLOOR
        if post.majors and student.major not in post.majors:
            return Obstacle.MAJOR
        if post.min_level is not None and (student.level is None or student.level < post.min_level):
            return Obstacle.LEVEL
        if student.cities and not in_region(post.city, student.cities):
            return Obstacle.CITY
        if (student.id, post.id) in self.conflicts:
            return Obstacle.CONFLICT
        if post.marks.get(student.id) is Mark.NOT_ACCEPTABLE:
            return Obstacle.NOT_ACCEPTABLE
        return None

    def groups(self, student: Student, post: Post) -> list[Group]:
        """The shared caps a placement of ``student`` at ``post`` counts against."""
        found: list[Group] = []
        if post.site is not None:
            found.append(("site", post.site, 0))
        if post.apprentice and self._apprentice:
            found.append(("apprentice", 0, 0))
        if student.school is not None:
            if self._per_enterprise is not None:
                found.append(("school_enterprise", student.school, post.enterprise))
            if student.school in self._school_total:
                found.append(("school", student.school, 0))
        return found

    def cap(self, group: Group) -> int:
        if group[0] == "school_enterprise":
            assert self._per_enterprise is not None
            return self._per_enterprise
        return self.caps[group]

    def is_laminar_for_flow(self, posts: Iterable[Post]) -> bool:
        """Whether the shared caps nest so that a flow network can hold them: no per-enterprise
        school quota, and no site with both apprentice and other posts while the apprentice share
        is capped (school totals sit on the students' side and always nest)."""
        if self._per_enterprise is not None:
            return False
        if not self._apprentice:
            return True
        kinds: dict[int, set[bool]] = {}
        for post in posts:
            if post.site is not None:
                kinds.setdefault(post.site, set()).add(post.apprentice)
        return all(len(k) == 1 for k in kinds.values())


class Ledger:
    """How many placements each post and each shared cap holds."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.posts: Counter[int] = Counter()
        self.groups: Counter[Group] = Counter()

    @classmethod
    def of(cls, book: RuleBook, pairs: Iterable[tuple[Student, Post]]) -> Ledger:
        ledger = cls(book)
        for student, post in pairs:
            ledger.add(student, post)
        return ledger

    def add(self, student: Student, post: Post) -> None:
        self.posts[post.id] += 1
        for group in self.book.groups(student, post):
            self.groups[group] += 1

    def remove(self, student: Student, post: Post) -> None:
        self.posts[post.id] -= 1
        for group in self.book.groups(student, post):
            self.groups[group] -= 1

    def shared_obstacle(self, student: Student, post: Post, leaving: Iterable[tuple[Student, Post]] = ()) -> Obstacle | None:
        """The shared cap that placing ``student`` at ``post`` would break once the ``leaving``
        placements are gone (None: none would)."""
        freed: Counter[Group] = Counter()
        for other, where in leaving:
            freed.update(self.book.groups(other, where))
        for group in self.book.groups(student, post):
            if self.groups[group] - freed[group] + 1 > self.book.cap(group):
                return GROUP_OBSTACLES[group[0]]
        return None

    def over_caps(self, capacities: Mapping[int, int]) -> list[str]:
        """Every post and shared cap holding more than it may, in words (empty: none)."""
        found = [f"post {post}: {n} > {capacities[post]}" for post, n in sorted(self.posts.items()) if n > capacities[post]]
        found += [f"{group}: {n} > {self.book.cap(group)}" for group, n in sorted(self.groups.items())
                  if n > self.book.cap(group)]
        return found
