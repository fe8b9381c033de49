"""Hand-checked golden cases on the demo alliance, as a new user tries them: the search box
and recommendations per direction. The demo is built as ``chanjiao demo`` builds it (its
shipped vectors: no record is embedded here); the queries run through the real e5 model."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import session_scope
from data.enums import OrgKind, ProjectKind, TeacherKind
from data.models import Achievement, Expert, Internship, Organization, PoolRecord, Project, Talent, Teacher
from data.pools import Pool
from indexer.context import IndexContext, get_context
from indexer.search import Filters
from matcher.engine import Match, Viewer
from matcher.find import find
from matcher.query import MatchQuery
from matcher.recommend import recommend, recommend_text
from web.cli import cli


R = TypeVar("R", bound=PoolRecord)


def _names(pool: Pool, text: str, n: int = 3) -> list[str]:
    with session_scope() as s:
        return [f.record.name for f in find(get_context(), pool, text, Filters(), 1, 10, s).items[:n]]


def test_golden_cases_on_the_demo() -> None:
    built = CliRunner().invoke(cli, ["demo", "--no-serve"])
    assert built.exit_code == 0, built.output
    # Nothing to look for, or nothing in the pools by word and nothing close by meaning: an
    # empty state in every pool (on the demo's thousands of records, some used to come up by chance).
    for nonsense in ("的 了 和", "！@#￥%……&*（）", "😀😀", "qwertyzx", "zxcvbnm", "asdfghjkl"):
        for pool in Pool:
            assert _names(pool, nonsense) == [], (nonsense, pool)
    # 繁体 means what 简体 means, to the model too.
    ctx = get_context()
    assert (ctx.query_vector("機器視覺檢測") == ctx.query_vector("机器视觉检测")).all()
    assert _names(Pool.ACHIEVEMENT, "機器視覺檢測", 5) == _names(Pool.ACHIEVEMENT, "机器视觉检测", 5)
    # The search box: a word and its parts or synonyms are not the same evidence.
    ai = _names(Pool.ACHIEVEMENT, "人工智能")
    assert not any(w in name for name in ai for w in ("抗原", "全瓷冠", "人工湿地")), ai
    assert any(w in ai[0] for w in ("智能", "神经网络")), ai
    battery = _names(Pool.ACHIEVEMENT, "锂电", 5)
    assert sum("电池" in name for name in battery) >= 3, battery
    plc = _names(Pool.ACHIEVEMENT, "PLC", 10)
    assert not any("hplc" in name.lower() for name in plc), plc
    with session_scope() as s:
        ctx = get_context()
        staff = Viewer(staff=True)
        # need → 成果 and need → experts for a typed machine-vision need
        need = "PCB板表面缺陷机器视觉检测系统开发"
        results = recommend_text(s, ctx, MatchQuery(text=need), "need_achievements", viewer=staff, k=5)
        assert any(any(w in m.name for w in ("视觉", "图像", "贴片机")) for m in results), [m.name for m in results]
        experts = recommend_text(s, ctx, MatchQuery(text=need), "need_experts", viewer=staff, k=6)
        # the first three share a telling word of the need (a PCB or a 检测 expert is a partial fit,
        # never one matching only 系统), and at least half of the first six work on vision
        assert experts and all(any(w in t for w in ("视觉", "检测", "图像", "pcb") for t in m.matched_terms) or
                               any("视觉" in r or "图像" in r for r in m.reasons) for m in experts[:3]), \
            [(m.name, m.matched_terms, m.reasons) for m in experts]
        assert sum(any("视觉" in t or "图像" in t for t in m.matched_terms) for m in experts) >= 3, \
            [(m.name, m.matched_terms) for m in experts]
        # a stored need → experts: the best three share a word with it and say why
        project = s.query(Project).order_by(Project.id).first()
        assert project is not None
        top = recommend(s, ctx, Pool.PROJECT, project.id, "need_experts", viewer=staff, k=3)
        assert top and all(m.reasons for m in top), (project.name, [(m.name, m.reasons) for m in top])
        # college → enterprises
        college = s.query(Organization).filter(Organization.kind == "college").order_by(Organization.id).first()
        assert college is not None
        enterprises = recommend(s, ctx, Pool.ORGANIZATION, college.id, "college_enterprises", viewer=staff, k=5)
        assert enterprises and all(m.reasons for m in enterprises)
        _every_other_direction(s, ctx, staff)


def _first(s: Session, model: type[R], wanted: Callable[[R], bool]) -> R:
    """The demo's first record (by id) that ``wanted`` picks: a case named by content, not id."""
    return next(r for r in s.scalars(select(model).order_by(model.id)) if wanted(r))


def _top(s: Session, ctx: IndexContext, pool: Pool, record: PoolRecord, direction: str, viewer: Viewer) -> list[Match]:
    found = recommend(s, ctx, pool, record.id, direction, viewer=viewer, k=5)
    assert len(found) >= 3 and all(m.reasons for m in found), (direction, record.name, [m.name for m in found])
    return found


def _said(matches: list[Match]) -> list[tuple[str, list[str]]]:
    return [(m.name, m.reasons) for m in matches]


def _every_other_direction(s: Session, ctx: IndexContext, staff: Viewer) -> None:
    """The cases checked by hand on the demo, one or more per direction (the demo is seeded:
    every build has the same records)."""
    # a student who grows crops: a post that wants 作物栽培 among the first three
    grower = _first(s, Talent, lambda t: "作物栽培" in t.skills)
    posts = _top(s, ctx, Pool.TALENT, grower, "talent_internships", staff)
    assert any("作物栽培" in m.matched_terms for m in posts[:3]), _said(posts)
    # a GIS monitoring post: the first three students have the skills it asks for
    gis = _first(s, Internship, lambda i: "GIS" in i.skills and "环境监测" in i.skills)
    students = _top(s, ctx, Pool.INTERNSHIP, gis, "internship_talents", staff)
    assert all(any(r.startswith("技能匹配") for r in m.reasons) for m in students[:3]), _said(students)
    # an aquaculture teacher: enterprises of their field for practice
    fish = _first(s, Teacher, lambda t: "水产养殖" in t.skills and t.teacher_kind is TeacherKind.FULL_TIME)
    hosts = _top(s, ctx, Pool.TEACHER, fish, "teacher_enterprises", staff)
    assert all("领域一致：现代农业" in m.reasons for m in hosts[:3]), _said(hosts)
    # a SolidWorks course: part-time teachers who teach it
    course = _first(s, Project, lambda p: "SolidWorks建模" in p.skills and p.project_kind in
                    (ProjectKind.CO_BUILT_COURSE, ProjectKind.TRAINING_NEED))
    teachers = _top(s, ctx, Pool.PROJECT, course, "course_teachers", staff)
    assert all(any(r.startswith("技能匹配") and "SolidWorks" in r for r in m.reasons) for m in teachers[:3]), _said(teachers)
    # an animation studio: colleges teaching animation, cited by their teachers
    studio = _first(s, Organization, lambda o: o.kind is OrgKind.ENTERPRISE and o.field == "动漫游戏")
    colleges = _top(s, ctx, Pool.ORGANIZATION, studio, "enterprise_colleges", staff)
    kinds = {o.id: o.kind for o in s.scalars(select(Organization).where(Organization.id.in_([m.id for m in colleges])))}
    assert all(kinds[m.id] is not OrgKind.ENTERPRISE for m in colleges), _said(colleges)
    assert all("领域一致：动漫游戏" in m.reasons for m in colleges[:3]), _said(colleges)
    # an IoT industry college: enterprises, the first cited by an IoT post or need
    iot = _first(s, Organization, lambda o: o.kind is OrgKind.INDUSTRY_COLLEGE and o.field == "物联网")
    firms = _top(s, ctx, Pool.ORGANIZATION, iot, "college_enterprises", staff)
    assert "物联网" in firms[0].reasons[0] or "传感" in firms[0].reasons[0], _said(firms)
    # a stroke-treatment result: the enterprise whose need is about 脑梗死 first
    stroke = _first(s, Achievement, lambda a: "脑梗死" in a.name)
    buyers = _top(s, ctx, Pool.ACHIEVEMENT, stroke, "achievement_enterprises", staff)
    assert "脑梗死" in buyers[0].reasons[0], _said(buyers)
    # an expert on 补肾活血汤: the need about it first
    tcm = _first(s, Expert, lambda e: "补肾活血汤" in e.research_areas)
    needs = _top(s, ctx, Pool.EXPERT, tcm, "expert_projects", staff)
    assert "补肾活血汤" in needs[0].name, _said(needs)
    # a teacher of 环境监测: needs that ask for what they teach
    monitor = _first(s, Teacher, lambda t: "环境监测" in t.skills)
    asked = _top(s, ctx, Pool.TEACHER, monitor, "teacher_projects", staff)
    assert all(any(r.startswith("关键词匹配") for r in m.reasons) for m in asked[:3]), _said(asked)
