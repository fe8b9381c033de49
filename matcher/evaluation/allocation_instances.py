"""Seeded random rounds and panel problems for ``chanjiao bench allocate``: sparse like real ones
(a student holds a score with 50–200 of the posts, mostly of their major and city), with both
sides' preferences partly missing so the fallback is exercised."""

from __future__ import annotations

import numpy as np

from matcher.allocation import Item, Mark, PanelProblem, PanelRules, Post, Problem, Reviewer, Rules, Student

MAJORS = ("机械设计制造及其自动化", "电气自动化技术", "计算机应用技术", "软件技术", "大数据技术", "物联网应用技术",
          "工业机器人技术", "数控技术", "汽车检测与维修技术", "新能源汽车技术", "化工技术", "药品生产技术",
          "食品检验检测技术", "现代物流管理", "电子商务", "会计", "市场营销", "建筑工程技术", "工程造价", "护理")
CITIES = ("440100", "440300", "440600", "330100", "320500", "510100", "420100", "370100", "110100", "310100")
FIELDS = ("智能制造", "新材料", "新能源", "生物医药", "电子信息", "人工智能", "节能环保", "现代农业", "化工",
          "汽车", "装备制造", "软件", "集成电路", "海洋工程", "食品", "纺织", "建筑", "物流", "金融科技", "文化创意")
MAX_CHOICES = 10


def random_round(students: int = 10_000, posts: int = 1_000, seed: int = 1, *, shared_caps: bool = False,
                 seats_share: float = 0.9) -> Problem:
    """A round whose seats add up to about ``seats_share × students``. With ``shared_caps``: a
    third of the enterprises put their posts on one site capped at 80% of their seats, apprentice
    posts take at most 15% of the students, no school has more than 8 students at one enterprise,
    and five schools have a total quota."""
    rng = np.random.default_rng(seed)
    raw = rng.gamma(2.0, 4.5, posts) + 1
    capacities = np.maximum(1, np.round(raw * seats_share * students / raw.sum())).astype(int)
    enterprise = np.arange(posts) // 3
    post_city = rng.integers(0, len(CITIES), posts)
    quality = rng.normal(0, 1, posts)
    requires = rng.random(posts) < 0.5
    post_majors = [frozenset(MAJORS[m] for m in rng.choice(len(MAJORS), rng.integers(1, 4), replace=False))
                   if requires[j] else frozenset() for j in range(posts)]
    min_level = np.where(rng.random(posts) < 0.2, 2, 0)
    apprentice = rng.random(posts) < 0.15
    on_site = shared_caps & (rng.random(posts // 3 + 1) < 1 / 3)[enterprise]

    major = rng.integers(0, len(MAJORS), students)
    level = rng.choice([1, 2, 3], students, p=[0.6, 0.35, 0.05])
    student_city = rng.integers(0, len(CITIES), students)
    wishes_city = rng.random(students) < 0.4
    admits = np.array([[not m or MAJORS[k] in m for m in post_majors] for k in range(len(MAJORS))])
    scores: dict[tuple[int, int], float] = {}
    applicants: dict[int, list[int]] = {}
    student_list = []
    for s in range(students):
        fits_major = admits[major[s]]
        same_city = post_city == student_city[s]
        weight = (1 + 4 * fits_major) * (1 + 2 * same_city) * np.exp(0.5 * quality)
        scored = rng.choice(posts, rng.integers(50, 201), replace=False, p=weight / weight.sum())
        fit = (0.45 * fits_major[scored] + 0.2 * same_city[scored] + 0.1 * np.tanh(quality[scored])
               + 0.35 * rng.random(len(scored)))
        values = np.clip(np.round(fit, 4), 0.0, 1.0)
        for post_id, value in zip(scored.tolist(), values.tolist()):
            scores[(s, post_id)] = value
            applicants.setdefault(post_id, []).append(s)
        choices: tuple[int, ...] = ()
        if rng.random() < 0.7:  # the rest leave it to the scores
            best = scored[np.argsort(-(values + 0.15 * rng.random(len(scored))), kind="stable")]
            choices = tuple(best[:rng.integers(3, MAX_CHOICES + 1)].tolist())
        cities: frozenset[str] = frozenset()
        if wishes_city[s]:
            code = CITIES[student_city[s]]
            cities = frozenset({code[:2] + "0000" if rng.random() < 0.3 else code})
        student_list.append(Student(id=s, school=int(s % 40), major=MAJORS[major[s]], level=int(level[s]),
                                    cities=cities, choices=choices))
    post_list = []
    for j in range(posts):
        marks: dict[int, Mark] = {}
        if rng.random() < 0.3:
            for s in applicants.get(j, []):
                draw = rng.random()
                if draw < 0.1:
                    marks[s] = Mark.PREFERRED
                elif draw < 0.15:
                    marks[s] = Mark.NOT_ACCEPTABLE
        post_list.append(Post(id=j, enterprise=int(enterprise[j]), capacity=int(capacities[j]), majors=post_majors[j],
                              min_level=int(min_level[j]) or None, city=CITIES[post_city[j]],
                              site=int(enterprise[j]) if on_site[j] else None, apprentice=bool(apprentice[j]),
                              marks=marks))
    rules = Rules(floor=0.2, max_choices=MAX_CHOICES)
    if shared_caps:
        sites: dict[int, int] = {}
        for j in range(posts):
            if on_site[j]:
                sites[int(enterprise[j])] = sites.get(int(enterprise[j]), 0) + int(capacities[j])
        rules = Rules(floor=0.2, max_choices=MAX_CHOICES, sites={k: int(v * 0.8) for k, v in sites.items()},
                      apprentice_share=0.15, school_per_enterprise=8, school_total={k: 150 for k in range(5)})
    return Problem(tuple(student_list), tuple(post_list), scores, rules)


def random_panels(items: int = 500, reviewers: int = 2_000, seed: int = 1, *, panel_size: int = 5,
                  max_load: int = 3, organizations: int = 300) -> PanelProblem:
    """Every reviewer scored against every item (dense: the harder case), fit mostly by fields;
    some recorded cooperations and declared conflicts."""
    rng = np.random.default_rng(seed)
    item_list = tuple(Item(id=i, organizations=frozenset(rng.integers(0, organizations, rng.integers(1, 3)).tolist()),
                           people=frozenset((10_000 + rng.integers(0, 5_000, 3)).tolist()),
                           fields=frozenset(FIELDS[f] for f in rng.choice(len(FIELDS), rng.integers(1, 4), replace=False)))
                      for i in range(items))
    reviewer_list = tuple(Reviewer(id=100_000 + r, organization=int(rng.integers(0, organizations)),
                                   fields=frozenset(FIELDS[f] for f in rng.choice(len(FIELDS), rng.integers(1, 4), replace=False)))
                          for r in range(reviewers))
    noise = rng.random((items, reviewers))
    scores = {}
    for i, item in enumerate(item_list):
        for r, reviewer in enumerate(reviewer_list):
            share = len(item.fields & reviewer.fields) / len(item.fields)
            scores[(item.id, reviewer.id)] = round(0.6 * share + 0.4 * float(noise[i, r]), 4)
    cooperations = frozenset((reviewer_list[r].id, 10_000 + int(p))
                             for r in rng.choice(reviewers, reviewers // 20, replace=False)
                             for p in rng.integers(0, 5_000, 3))
    declared = frozenset((int(rng.integers(0, items)), 100_000 + int(rng.integers(0, reviewers))) for _ in range(items))
    rules = PanelRules(panel_size=panel_size, max_load=max_load, floor=0.1, cooperations=cooperations, declared=declared)
    return PanelProblem(item_list, reviewer_list, scores, rules)
