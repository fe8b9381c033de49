"""Hand-checked golden cases on the demo alliance, as a new user tries them: the search box
and recommendations per direction. The demo is built as ``chanjiao demo`` builds it (its
shipped vectors: no record is embedded here); the queries run through the real e5 model."""

from __future__ import annotations

from click.testing import CliRunner

from data.db import session_scope
from data.models import Organization, Project
from data.pools import Pool
from indexer.context import get_context
from indexer.search import Filters
from matcher.engine import Viewer
from matcher.find import find
from matcher.query import MatchQuery
from matcher.recommend import recommend, recommend_text
from web.cli import cli


def _names(pool: Pool, text: str, n: int = 3) -> list[str]:
    with session_scope() as s:
        return [f.record.name for f in find(get_context(), pool, text, Filters(), 1, 10, s).items[:n]]


def test_golden_cases_on_the_demo() -> None:
    built = CliRunner().invoke(cli, ["demo", "--no-serve"])
    assert built.exit_code == 0, built.output
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
        experts = recommend_text(s, ctx, MatchQuery(text=need), "need_experts", viewer=staff, k=5)
        assert experts and all(any("视觉" in t or "检测" in t or "图像" in t for t in m.matched_terms) or
                               any("视觉" in r or "图像" in r for r in m.reasons) for m in experts[:3]), \
            [(m.name, m.matched_terms, m.reasons) for m in experts]
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
