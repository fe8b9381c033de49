"""Small random rounds and panel problems for the allocation tests, built from a seed, and the
independent checks they are held to (counted here again, not with the engine's own ledger)."""

from __future__ import annotations

import random
import warnings
from collections import Counter
from collections.abc import Mapping

from matcher.allocation import Item, Mark, PanelProblem, PanelRules, Post, Problem, Reviewer, Rules, Student
from matcher.allocation.preferences import prepare

MAJORS = ("软件技术", "会计", "护理")
CITIES = ("440100", "440300", "110100")
FIELDS = ("智能制造", "新材料", "生物医药", "电子信息", "人工智能")


def random_problem(seed: int, students: int = 14, posts: int = 6, *, pair_rules: bool = True,
                   shared: bool = False) -> Problem:
    """A round of ``students`` × ``posts``: partial scores, choices and marks; with ``pair_rules``
    majors, levels, cities, conflicts and a floor; with ``shared`` sites, the apprentice share and
    school quotas too."""
    rng = random.Random(seed)
    post_ids = [100 + j for j in range(posts)]
    scores: dict[tuple[int, int], float] = {}
    student_list = []
    for sid in range(students):
        scored = rng.sample(post_ids, rng.randint(0, posts))
        for post_id in scored:
            scores[(sid, post_id)] = round(rng.random(), 2)
        choices = tuple(rng.sample(scored, rng.randint(1, len(scored)))) if scored and rng.random() < 0.6 else ()
        student_list.append(Student(
            id=sid, school=sid % 3, major=rng.choice(MAJORS) if pair_rules else None,
            level=rng.randint(1, 3), choices=choices,
            cities=frozenset({rng.choice(CITIES)}) if pair_rules and rng.random() < 0.3 else frozenset()))
    post_list = []
    for j, post_id in enumerate(post_ids):
        marks = {sid: rng.choice(list(Mark)) for sid in rng.sample(range(students), rng.randint(0, students // 2))}
        ranking = tuple(rng.sample(range(students), rng.randint(0, 3))) if rng.random() < 0.3 else ()
        post_list.append(Post(
            id=post_id, enterprise=j % 3, capacity=rng.randint(0, 3), marks=marks, ranking=ranking,
            majors=frozenset(rng.sample(MAJORS, 1)) if pair_rules and rng.random() < 0.3 else frozenset(),
            min_level=2 if pair_rules and rng.random() < 0.2 else None, city=rng.choice(CITIES),
            site=j % 2 if shared and j < 4 else None, apprentice=shared and j % 3 == 0))
    rules = Rules(max_choices=posts)
    if pair_rules:
        conflicts = frozenset((rng.randrange(students), rng.choice(post_ids)) for _ in range(3))
        rules = Rules(max_choices=posts, floor=0.15, conflicts=conflicts)
    if shared:
        rules = Rules(max_choices=posts, floor=rules.floor, conflicts=rules.conflicts, sites={0: 2, 1: 3},
                      apprentice_share=0.2, school_per_enterprise=2, school_total={0: 3})
    return Problem(tuple(student_list), tuple(post_list), scores, rules)


def cap_breaches(problem: Problem, assignment: Mapping[int, int]) -> list[str]:
    """Every cap the assignment breaks: posts, sites, the apprentice share, school quotas."""
    students = {s.id: s for s in problem.students}
    posts = {p.id: p for p in problem.posts}
    rules = problem.rules
    at_post = Counter(assignment.values())
    at_site = Counter(posts[p].site for p in assignment.values() if posts[p].site is not None)
    apprentices = sum(posts[p].apprentice for p in assignment.values())
    by_school_enterprise = Counter((students[s].school, posts[p].enterprise) for s, p in assignment.items())
    by_school = Counter(students[s].school for s in assignment)
    found = [f"post {p}" for p, n in at_post.items() if n > posts[p].capacity]
    found += [f"site {site}" for site, n in at_site.items() if n > rules.sites[site]]
    if rules.apprentice_share is not None and apprentices > int(rules.apprentice_share * len(students) + 1e-9):
        found.append("apprentice share")
    if rules.school_per_enterprise is not None:
        found += [f"school {k}" for k, n in by_school_enterprise.items() if n > rules.school_per_enterprise]
    found += [f"school {k} total" for k, n in by_school.items() if k in rules.school_total and n > rules.school_total[k]]
    return found


def rule_breaches(problem: Problem, assignment: Mapping[int, int]) -> list[tuple[int, int]]:
    """Placed pairs that a pair rule forbids: not chosen, below the floor, major, level, city,
    conflict, not acceptable."""
    students = {s.id: s for s in problem.students}
    posts = {p.id: p for p in problem.posts}
    floor = problem.rules.floor
    found = []
    for sid, post_id in assignment.items():
        student, post, score = students[sid], posts[post_id], problem.score(sid, post_id)
        if ((student.choices and post_id not in student.choices)
                or (not student.choices and (sid, post_id) not in problem.scores)
                or (floor is not None and score < floor)
                or (post.majors and student.major not in post.majors)
                or (post.min_level is not None and (student.level or 0) < post.min_level)
                or (student.cities and not any(post.city and post.city.startswith(c[:4]) for c in student.cities))
                or (sid, post_id) in problem.rules.conflicts
                or post.marks.get(sid) is Mark.NOT_ACCEPTABLE):
            found.append((sid, post_id))
    return found


def reference_stable(problem: Problem) -> dict[int, int]:
    """The student-optimal stable matching by the ``matching`` package on the same orders."""
    from matching.games import HospitalResident

    prepared = prepare(problem)
    capacities = {p.id: p.capacity for p in problem.posts if p.capacity}  # it cannot take a post of none
    residents = {s: [p for p in order if p in capacities] for s, order in prepared.order.items()}
    residents = {s: order for s, order in residents.items() if order}
    hospitals = {p: sorted(ranks, key=ranks.__getitem__) for p, ranks in prepared.post_rank.items() if p in capacities}
    if not residents:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns of players it drops for ranking no one
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
        matching = game.solve(optimal="resident")
    return {resident.name: hospital.name for hospital, residents_ in matching.items() for resident in residents_}


def random_panels(seed: int, items: int = 8, reviewers: int = 24, *, panel_size: int = 3, max_load: int = 2) -> PanelProblem:
    rng = random.Random(seed)
    item_list = tuple(Item(id=i, organizations=frozenset({rng.randrange(6)}), people=frozenset({500 + rng.randrange(10)}),
                           fields=frozenset(rng.sample(FIELDS, rng.randint(0, 3)))) for i in range(items))
    reviewer_list = tuple(Reviewer(id=1000 + r, organization=rng.choice([None, *range(6)]),
                                   fields=frozenset(rng.sample(FIELDS, rng.randint(1, 2))),
                                   capacity=rng.choice([None, None, 1])) for r in range(reviewers))
    scores = {(i.id, r.id): round(rng.random(), 2) for i in item_list for r in reviewer_list if rng.random() < 0.7}
    rules = PanelRules(panel_size=panel_size, max_load=max_load, floor=0.05,
                       cooperations=frozenset((1000 + rng.randrange(reviewers), 500 + rng.randrange(10)) for _ in range(6)),
                       declared=frozenset((rng.randrange(items), 1000 + rng.randrange(reviewers)) for _ in range(4)))
    return PanelProblem(item_list, reviewer_list, scores, rules)
