"""``chanjiao bench allocate``: time and memory of the allocation engine on seeded random rounds
(``allocation_instances.py``), and its answers held against independent ones — the stable
matching against the ``matching`` package's ``HospitalResident`` on the same preferences, the
max-welfare optimum against SciPy's HiGHS. Prints figures; asserts nothing.

Each timed run happens in a new (spawned) process that builds its instance, so its peak resident
memory is its own: the interpreter, the instance and the solve — what a worker running that
round needs.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from matcher.allocation import (
    Allocation,
    PanelMetrics,
    Problem,
    allocate_stable,
    allocate_welfare,
    assign_panels,
    refill,
    relax,
)
from matcher.allocation.flow import units
from matcher.allocation.preferences import Prepared, prepare
from matcher.allocation.welfare import eligible_pairs
from matcher.evaluation.allocation_instances import random_panels, random_round

Echo = Callable[[str], None]
MILP_SECONDS = 300
T = TypeVar("T")


def run_allocate_bench(students: int, posts: int, items: int, reviewers: int, seed: int, reference_students: int,
                       echo: Echo) -> None:
    started = time.perf_counter()
    problem = random_round(students, posts, seed)
    prepared = prepare(problem)
    eligible = sum(len(order) for order in prepared.order.values())
    echo(f"双选实例（种子 {seed}）：{students:,} 名学生 × {posts:,} 个岗位，名额合计 {_seats(problem):,}；"
         f"有匹配分的组合 {len(problem.scores):,}（每名学生 50–200 个岗位），通过硬性规则且双方可接受的 {eligible:,}；"
         f"生成用时 {time.perf_counter() - started:.1f} 秒。以下每项各在一个新进程中运行，峰值内存含解释器与实例")
    stable = _fresh(_round_in_child, students, posts, seed, False, None, "stable", True)
    echo(_line("稳定匹配（学生提议的延迟接受）", *stable))
    welfare = _fresh(_round_in_child, students, posts, seed, False, None, "welfare", True)
    echo(_line("总体匹配度最高（OR-Tools 最小费用流，先求录取人数最多）", *welfare))
    pure = _fresh(_round_in_child, students, posts, seed, False, None, "welfare", False)
    echo(_line("总体匹配度最高（只求总匹配度）", *pure))

    if reference_students >= students:
        _check_matching(problem, stable[0]["assignment"], echo)
    else:
        _check_matching(random_round(reference_students, max(1, posts * reference_students // students), seed), None, echo)
    for label, result, place_most in (("先求人数最多", welfare, True), ("只求总匹配度", pure, False)):
        _check_scipy(prepared, result[0]["assignment"], place_most, f"最高匹配度（{label}）", echo)
    del problem, prepared

    echo("共享容量（三分之一企业的岗位共用一个场地、容量为其名额的 80%；学徒岗至多 15% 的学生；"
         "同一学校在同一企业至多 8 人；5 所学校各至多 150 人）：")
    echo(_line("  稳定匹配（延迟接受 + 有限轮修复）", *_fresh(_round_in_child, students, posts, seed, True, None, "stable", True)))
    s_welfare = _fresh(_round_in_child, students, posts, seed, True, None, "welfare", True)
    echo(_line("  总体匹配度最高", *s_welfare))
    _check_scipy(prepare(random_round(students, posts, seed, shared_caps=True)), s_welfare[0]["assignment"], True,
                 "  共享容量下的最高匹配度", echo)

    tight = _fresh(_round_in_child, 2_000, 200, seed, True, 1, "welfare", True)
    echo(_line("交叉名额走整数规划（2,000 × 200，同一学校在同一企业至多 1 人；OR-Tools CBC）", *tight))
    small = relax(random_round(2_000, 200, seed, shared_caps=True), school_per_enterprise=1)
    _check_scipy(prepare(small), tight[0]["assignment"], True, "  整数规划的最高匹配度", echo)

    panel_problem = random_panels(items, reviewers, seed)
    echo(f"评审组实例：{items:,} 个评审对象 × {reviewers:,} 名专家（全部有匹配分：{len(panel_problem.scores):,} 对），"
         f"每组 {panel_problem.rules.panel_size} 人，每人至多 {panel_problem.rules.max_load} 项")
    m, seconds, peak, refill_seconds = _fresh(_panels_in_child, items, reviewers, seed)
    echo(f"评审组分配：{seconds:.2f} 秒，峰值内存 {peak:.0f} MB；席位 {m.filled:,}/{m.wanted:,}（缺 {m.shortfall}），"
         f"领域覆盖率 {m.coverage:.1%}、全覆盖的评审对象 {m.fully_covered:.1%}；负荷 最少 {m.min_load} / 最多 {m.max_load} / "
         f"平均 {m.mean_load:.2f}；利益冲突 {m.conflicts}、同单位同组 {m.same_organization}、超负荷 {m.over_load}")
    echo(f"一位专家婉拒后补位（其余评审组不动）：{refill_seconds * 1000:.0f} 毫秒")


def _fresh(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a new process (spawned: its peak memory is its own)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ``ru_maxrss``: Linux carries the latter
    over an exec, so a spawned child would report its parent's size at the fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _round_in_child(students: int, posts: int, seed: int, shared: bool, per_enterprise: int | None, method: str,
                    place_most: bool) -> tuple[dict[str, Any], float, float]:
    problem = random_round(students, posts, seed, shared_caps=shared)
    if per_enterprise is not None:
        problem = relax(problem, school_per_enterprise=per_enterprise)
    started = time.perf_counter()
    result = allocate_stable(problem) if method == "stable" else allocate_welfare(problem, place_most=place_most)
    seconds = time.perf_counter() - started
    return _summary(result), seconds, _peak_mb()


def _panels_in_child(items: int, reviewers: int, seed: int) -> tuple[PanelMetrics, float, float, float]:
    problem = random_panels(items, reviewers, seed)
    started = time.perf_counter()
    result = assign_panels(problem)
    seconds = time.perf_counter() - started
    panel = next(p for p in result.panels if p.reviewers)
    started = time.perf_counter()
    refill(result, (panel.item, panel.reviewers[0]))
    return result.metrics, seconds, _peak_mb(), time.perf_counter() - started


def _seats(problem: Problem) -> int:
    return sum(post.capacity for post in problem.posts)


def _summary(result: Allocation) -> dict[str, Any]:
    return {"assignment": result.assignment, "metrics": result.metrics,
            "reasons": Counter(u.reason.label for u in result.unplaced)}


def _line(label: str, summary: dict[str, Any], seconds: float, peak_mb: float) -> str:
    m = summary["metrics"]
    reasons = "；".join(f"{label_}：{n:,}" for label_, n in summary["reasons"].most_common())
    return (f"{label}：{seconds:.2f} 秒，峰值内存 {peak_mb:.0f} MB；录取 {m.placed:,}（{m.placed_share:.1%}），"
            f"学生所得志愿平均位次 {_mean(m.mean_student_rank)}，岗位所得学生平均位次 {_mean(m.mean_post_rank)}，"
            f"阻塞对 {m.blocking_pairs:,}，合理嫉妒 {m.envy:,}，总匹配度 {m.welfare:,.2f}\n  未录取原因：{reasons or '无'}")


def _mean(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _check_matching(problem: Problem, ours: dict[int, int] | None, echo: Echo) -> None:
    """The ``matching`` package's resident-optimal HospitalResident on the same orders."""
    prepared = prepare(problem)
    if ours is None:
        ours = allocate_stable(problem).assignment
    capacities = {p.id: p.capacity for p in problem.posts if p.capacity}  # it cannot hold a post of none
    residents = {s: [p for p in order if p in capacities] for s, order in prepared.order.items()}
    hospitals = {p: sorted(ranks, key=ranks.__getitem__) for p, ranks in prepared.post_rank.items() if p in capacities}

    def solve() -> tuple[dict[int, int], float]:
        from matching.games import HospitalResident

        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it warns of players it drops for ranking no one
            game = HospitalResident.create_from_dictionaries({s: o for s, o in residents.items() if o}, hospitals, capacities)
            matching = game.solve(optimal="resident")
        return {r.name: h.name for h, rs in matching.items() for r in rs}, time.perf_counter() - start

    # It deep-copies its players, recursing once per link: a deep stack for 10,000 students.
    answer: list[tuple[dict[int, int], float]] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    try:
        worker = threading.Thread(target=lambda: answer.append(solve()))
        worker.start()
        worker.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(limit)
    theirs, seconds = answer[0]
    differ = sum(ours.get(s) != theirs.get(s) for s in prepared.students)
    verdict = "完全一致" if differ == 0 else f"有 {differ:,} 名学生不同"
    echo(f"对照 matching 包（HospitalResident，学生最优，同一偏好，{len(prepared.students):,} 名学生）："
         f"{verdict}；matching 用时 {seconds:.1f} 秒")


def _check_scipy(prepared: Prepared, ours: dict[int, int], place_most: bool, label: str, echo: Echo) -> None:
    """SciPy's HiGHS on the linear programme with every cap a row (a second solve fixes the
    number placed when ``place_most``); an integral optimum of the relaxation is the integer optimum."""
    from scipy import sparse

    started = time.perf_counter()
    pairs = eligible_pairs(prepared)
    rows: dict[tuple[str, int, int], int] = {}
    caps: list[int] = []
    row_of, col_of = [], []
    for i, (sid, post_id) in enumerate(pairs):
        student, post = prepared.students[sid], prepared.posts[post_id]
        keyed = [(("student", sid, 0), 1), (("post", post_id, 0), post.capacity)]
        keyed += [(group, prepared.book.cap(group)) for group in prepared.book.groups(student, post)]
        for key, cap in keyed:
            if key not in rows:
                rows[key] = len(caps)
                caps.append(cap)
            row_of.append(rows[key])
            col_of.append(i)
    matrix = sparse.csr_matrix((np.ones(len(row_of)), (row_of, col_of)), shape=(len(caps), len(pairs)))
    bounds = np.array(caps, dtype=float)
    weights = np.array([units(prepared.score(s, p)) for s, p in pairs], dtype=float)
    hows = []
    most = None
    if place_most:
        most, how = _optimum(np.ones(len(pairs)), matrix, bounds)
        hows.append(how)
        if most is not None:
            matrix = sparse.vstack([matrix, -np.ones((1, len(pairs)))]).tocsr()
            bounds = np.append(bounds, -most.sum())
    x, how = _optimum(weights, matrix, bounds) if not place_most or most is not None else (None, "")
    how = "、".join(dict.fromkeys(hows + [how]))
    mine = (len(ours), sum(units(prepared.score(s, p)) for s, p in ours.items()))
    seconds = time.perf_counter() - started
    if x is None:
        verdict = f"SciPy 未在 {MILP_SECONDS} 秒内证明最优"
    else:
        theirs = (int(x.sum()), int(np.dot(x, weights)))
        verdict = (f"一致（录取 {mine[0]:,}，目标值 {mine[1]:,} 个单位）" if theirs == mine
                   else f"不一致：SciPy {theirs}，本引擎 {mine}")
    echo(f"{label}对照 SciPy HiGHS（独立求解器，{how}，{len(pairs):,} 个变量）：{verdict}；SciPy 用时 {seconds:.1f} 秒")


def _optimum(weights: np.ndarray, matrix: Any, bounds: np.ndarray) -> tuple[np.ndarray | None, str]:
    """The 0/1 vector maximizing ``weights`` under ``matrix x ≤ bounds``: the linear programme's
    when its optimum is integral (a network's is), else SciPy's ``milp`` (None: not proven
    within ``MILP_SECONDS``); and which of the two gave it."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    relaxed = linprog(-weights, A_ub=matrix, b_ub=bounds, bounds=(0, 1), method="highs")
    x = np.round(relaxed.x)
    if np.abs(relaxed.x - x).max() < 1e-6:
        return x, "线性规划（解为整数）"
    result = milp(-weights, constraints=[LinearConstraint(matrix, -np.inf, bounds)], integrality=np.ones(len(weights)),
                  bounds=Bounds(0, 1), options={"time_limit": MILP_SECONDS, "mip_rel_gap": 0})
    return (np.round(result.x) if result.status == 0 else None), "整数规划（milp）"
