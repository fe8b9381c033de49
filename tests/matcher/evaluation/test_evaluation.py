"""``chanjiao eval`` on a tiny labelled set, and its input errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from matcher.evaluation import EvalSetError, load_set, run_eval
from web.cli import cli

RECORDS = [
    {"id": "r1", "text": "利用卷积神经网络对冲压件表面划痕进行在线视觉检测", "fields": ["智能制造"]},
    {"id": "r2", "text": "优化米曲霉制曲与发酵温度，缩短酱油发酵周期", "fields": ["食品工程"], "region": "重庆"},
    {"id": "r3", "text": "将种植加工物流数据上链，实现农产品全程可追溯", "fields": ["区块链"], "tags": ["区块链", "溯源"]},
    {"id": "r4", "text": "水稻高产栽培与科学施肥技术", "fields": ["现代农业"]},
]
QUERIES = [
    {"id": "q1", "text": "零件表面缺陷的图像检测"},
    {"id": "q2", "text": "酱油发酵工艺改进", "fields": ["食品工程"], "region": "重庆市"},
    {"id": "q3", "text": "农产品溯源 区块链", "tags": ["溯源"]},
]
QRELS = "q1 0 r1 2\nq2 0 r2 2\nq3 0 r3 2\nq3 0 r4 0\n"


def write_set(folder: Path) -> Path:
    folder.mkdir()
    for name, rows in (("records.jsonl", RECORDS), ("queries.jsonl", QUERIES)):
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (folder / "qrels.tsv").write_text(QRELS, encoding="utf-8")
    return folder


def test_eval_reports_the_product_beside_both_channels_and_their_rrf(tmp_path: Path) -> None:
    lines: list[str] = []
    table = run_eval(write_set(tmp_path / "set"), "e5", lines.append, run_out=tmp_path / "run.txt")
    assert table["product"]["ndcg10"] == pytest.approx(1.0)
    assert table["product"]["mrr10"] == pytest.approx(1.0)
    assert set(table) == {"product", "bm25", "semantic", "rrf"}
    assert any(line.startswith("产品排序") for line in lines) and any("p50" in line for line in lines)
    assert any(line.startswith("产品排序 − 仅BM25：nDCG@10") and "95% 区间" in line for line in lines)
    run = (tmp_path / "run.txt").read_text().splitlines()
    assert run[0].split()[:4] == ["q1", "Q0", "r1", "1"]


def test_cli_eval(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(write_set(tmp_path / "set")), "--backend", "use"])
    assert result.exit_code == 0, result.output
    assert "仅BM25" in result.output and "仅语义" in result.output


@pytest.mark.parametrize(
    "broken,message",
    [("records.jsonl", "records.jsonl 第1行: 不是合法的 JSON"), ("queries.jsonl", "queries.jsonl 第1行 「text」: 必填"),
     ("qrels.tsv", "qrels.tsv 第1行: 应为「查询id 0 记录id 等级」四列")],
)
def test_malformed_sets_name_file_and_line(tmp_path: Path, broken: str, message: str) -> None:
    folder = write_set(tmp_path / "set")
    bad = {"records.jsonl": "{not json\n", "queries.jsonl": '{"id": "q1"}\n', "qrels.tsv": "q1 r1 2\n"}[broken]
    (folder / broken).write_text(bad, encoding="utf-8")
    with pytest.raises(EvalSetError, match=message):
        load_set(folder)


def _write(folder: Path, records: list[dict], queries: list[dict], qrels: str) -> Path:  # type: ignore[type-arg]
    folder.mkdir()
    for name, rows in (("records.jsonl", records), ("queries.jsonl", queries)):
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (folder / "qrels.tsv").write_text(qrels, encoding="utf-8")
    return folder


def test_records_with_only_a_name_and_colliding_organization_names(tmp_path: Path) -> None:
    """A record may be a title alone; organizations that differ only in width, spaces or case
    are one (this used to stop the run with a UNIQUE constraint traceback)."""
    records = [{"id": "a", "name": "基于深度学习的表面缺陷视觉检测", "text": "", "organization": "示例大学"},
               {"id": "b", "title": "低盐酱油快速发酵工艺", "organization": "示例 大学"},
               {"id": "c", "name": "农产品区块链溯源平台", "organization": "ＳＨＩＬＩ大学"},
               {"id": "d", "name": "水稻高产栽培", "organization": "shili大学"}]
    folder = _write(tmp_path / "set", records, [{"id": "q", "text": "零件划痕的图像识别"}], "q 0 a 2\n")
    table = run_eval(folder, "e5", lambda _: None)
    assert table["product"]["mrr10"] == pytest.approx(1.0)


def test_expert_records_go_through_need_to_experts(tmp_path: Path) -> None:
    records = [{"id": "p1", "pool": "expert", "name": "陈研究员", "text": "金属表面缺陷的机器视觉检测；冲压件划痕在线识别",
                "tags": ["机器视觉"], "fields": ["工学"]},
               {"id": "p2", "pool": "专家库", "name": "李研究员", "text": "酱油发酵工艺；米曲霉制曲"},
               {"id": "p3", "pool": "expert", "name": "王研究员", "text": "水稻栽培与施肥"}]
    lines: list[str] = []
    folder = _write(tmp_path / "set", records, [{"id": "q", "text": "产线零件表面划痕的视觉检测"}], "q 0 p1 2\n")
    table = run_eval(folder, "e5", lines.append)
    assert table["product"]["mrr10"] == pytest.approx(1.0)
    assert any("need_experts" in line and "专家库" in line for line in lines)


def test_talent_records_are_asked_by_an_internship_and_internships_by_a_student(tmp_path: Path) -> None:
    """internship → talent and talent → internship only take a stored record as the question:
    each query is written as an unpublished record of the asking pool and asks through it."""
    talents = [{"id": "t1", "pool": "talent", "name": "张同学", "title": "Java后端开发", "tags": ["Java", "Spring"],
                "fields": ["计算机类", "软件工程"], "text": "做过电商网站的订单模块"},
               {"id": "t2", "pool": "人才库", "name": "李同学", "title": "数控机床操作", "tags": ["CNC", "数控编程"],
                "fields": ["机械类", "数控技术"]},
               {"id": "t3", "pool": "talent", "name": "王同学", "title": "出纳会计", "tags": ["财务核算"], "fields": ["财务会计类", "会计"]}]
    lines: list[str] = []
    folder = _write(tmp_path / "talent", talents, [{"id": "q", "text": "招聘数控车床操作工实习生（CNC编程）", "tags": ["CNC"]},
                                                  {"id": "r", "text": "Java开发实习生", "fields": ["计算机类", "软件工程"]}],
                    "q 0 t2 2\nr 0 t1 2\n")
    table = run_eval(folder, "e5", lines.append)
    assert table["product"]["mrr10"] == pytest.approx(1.0)
    assert any("internship_talents" in line and "人才库" in line for line in lines)

    posts = [{"id": "i1", "pool": "internship", "name": "数控车床操作实习生", "text": "操作数控车床加工轴类零件", "tags": ["CNC"]},
             {"id": "i2", "pool": "岗位库", "name": "出纳实习生", "text": "协助出纳做日记账和银行对账", "tags": ["财务核算"]},
             {"id": "i3", "pool": "internship", "name": "Java开发实习生", "text": "参与订单系统的后端开发", "tags": ["Java"]}]
    folder = _write(tmp_path / "posts", posts, [{"id": "s", "text": "会计专业学生，熟悉日记账与银行对账，想做出纳"}], "s 0 i2 2\n")
    lines.clear()
    table = run_eval(folder, "e5", lines.append)
    assert table["product"]["mrr10"] == pytest.approx(1.0)
    assert any("talent_internships" in line for line in lines)


def test_a_text_holding_unicode_line_separators_stays_one_line(tmp_path: Path) -> None:
    """JSON Lines are split at line feeds only: a description copied from a web page may hold
    U+2028, U+2029 or U+0085, which JSON keeps raw inside a string; CRLF files read as LF ones."""
    records = [{**r, "text": r["text"][:6] + sep + r["text"][6:]} for r, sep in zip(RECORDS, ["\u2028", "\u2029", "\x85", ""])]
    folder = _write(tmp_path / "set", records, QUERIES, QRELS.replace("\n", "\r\n"))
    data = load_set(folder)
    assert [r["id"] for r in data.records] == ["r1", "r2", "r3", "r4"] and data.records[0]["text"] == records[0]["text"]
    assert data.qrels["q3"] == {"r3": 2, "r4": 0}


def test_a_qrels_file_not_in_utf8_is_one_chinese_sentence(tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set")
    (folder / "qrels.tsv").write_bytes("q1 0 r1 2\n# 相关\n".encode("gbk"))
    with pytest.raises(EvalSetError, match="qrels.tsv: 不是 UTF-8 编码的文本文件"):
        load_set(folder)


@pytest.mark.parametrize(
    "records,queries,qrels,message",
    [([["not", "an", "object"]], None, None, "records.jsonl 第1行: 每行应为一个 JSON 对象"),
     ([{"id": "r1", "text": ""}], None, None, "records.jsonl 第1行 「text」、「name」或「title」至少填一项"),
     ([{"id": "r1", "text": "x", "pool": "unicorn"}], None, None, "records.jsonl 第1行 「pool」: 不支持「unicorn」"),
     ([{"id": "r1", "text": "x", "tags": {"a": 1}}], None, None, "records.jsonl 第1行 「tags」: 应为文字或文字列表"),
     ([{"id": True, "text": "x"}], None, None, "records.jsonl 第1行 「id」: 必填"),
     ([{"id": "r1", "text": "x"}, {"id": "r2", "text": "y", "pool": "expert"}], None, None, "分属不同的推荐方向"),
     (None, [{"id": "q1", "text": "   "}], None, "queries.jsonl 第1行 「text」: 必填"),
     (None, None, "q1 0 nobody 1\n", "qrels.tsv 第1行: 记录「nobody」不在 records.jsonl 中"),
     (None, None, "q9 0 r1 1\n", "qrels.tsv 第1行: 查询「q9」不在 queries.jsonl 中"),
     (None, None, "q1 0 r1 ２\n", "qrels.tsv 第1行: 应为「查询id 0 记录id 等级」四列")],
)
def test_every_malformed_line_is_one_chinese_sentence(tmp_path: Path, records, queries, qrels, message) -> None:  # type: ignore[no-untyped-def]
    folder = _write(tmp_path / "set", records or RECORDS, queries or QUERIES, qrels or QRELS)
    with pytest.raises(EvalSetError, match=message):
        load_set(folder)
    result = CliRunner().invoke(cli, ["eval", str(folder)])
    assert result.exit_code != 0 and message.split("「")[0] in result.output and "Traceback" not in result.output


def test_explore_chooses_weights_by_leaving_one_set_out(tmp_path: Path) -> None:
    first, second = write_set(tmp_path / "one"), write_set(tmp_path / "two")
    result = CliRunner().invoke(cli, ["eval", str(first), str(second), "--explore", "--backend", "use"])
    assert result.exit_code == 0, result.output
    assert "== one" in result.output and "== two" in result.output
    lines = result.output.splitlines()
    assert any(line.startswith("one ") and "较好单通道" not in line for line in lines)  # its left-out row
    assert any(line.startswith("留一法最差的留出差值") for line in lines)


@pytest.mark.parametrize("keyword", [False, True])
def test_a_grid_of_fusions_scores_as_each_fusion_alone(keyword: bool) -> None:
    """The array form that compares hundreds of fusions gives each one's own scores and nDCG."""
    from matcher.evaluation import fusion

    rng = np.random.default_rng(7)
    n = 40
    vectors = rng.normal(size=(n, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[[3, 17]] = 0.0  # two candidates without a vector
    has = np.ones(n, bool)
    has[[3, 17]] = False
    nan_some = lambda x, share: np.where(rng.random(n) < share, np.nan, x)  # noqa: E731
    wording = rng.random((n, n))
    p = fusion.Prepared(
        docs=[f"d{i:02d}" for i in rng.permutation(n)], judged={"d01": 2, "d05": 1, "d30": 1, "zz": 2},
        keyword=keyword, lexical=np.where(rng.random(n) < 0.5, 0.0, rng.random(n)),
        title_lexical=np.where(rng.random(n) < 0.7, 0.0, rng.random(n)),
        semantic=np.where(has, rng.random(n), np.nan), title_semantic=np.where(has, rng.random(n), np.nan),
        phrase=rng.random(n) if keyword else np.full(n, np.nan), structured=nan_some(rng.random(n), 0.5),
        gram=vectors @ vectors.T, lexical_rank=np.where(rng.random(n) < 0.3, 0, rng.integers(1, 60, n)),
        semantic_rank=np.where(rng.random(n) < 0.3, 0, rng.integers(1, 60, n)), wording=(wording + wording.T) / 2,
        has_vector=has, length=int(rng.integers(2, 40)), item_semantic=nan_some(rng.random(n), 0.6))
    grid = fusion.candidates()[::7] + [fusion.replace(fusion.PRODUCT, seeds=2, keyword_semantic=None),
                                       fusion.replace(fusion.PRODUCT, structured_scales=True, structured=0.4),
                                       fusion.replace(fusion.PRODUCT, rank_k=0.5, lexical_ranks=1.0, semantic_ranks=0.5),
                                       fusion.replace(fusion.PRODUCT, short_query=(4, 20), short_lexical=True),
                                       fusion.replace(fusion.PRODUCT, short_query=(p.length + 1, p.length + 9)),
                                       fusion.replace(fusion.PRODUCT, item_semantic=0.3)]
    many = fusion.scores_many(p, grid)
    ndcgs = fusion.ndcg_many(p, many)
    for row, f in enumerate(grid):
        assert np.allclose(many[row], fusion.scores(p, f)), f.label()
        assert ndcgs[row] == pytest.approx(fusion.ndcg_of(p, fusion.scores(p, f)))
    assert len(set(np.round(ndcgs, 6))) > 1  # the fusions differ on this query


STUDENTS = [("数控车床操作", ["CNC", "数控编程"], "数控技术"), ("Java后端开发", ["Java", "Spring"], "软件工程"),
            ("出纳会计", ["财务核算", "日记账"], "会计"), ("工业机器人运维", ["PLC", "机器人示教"], "工业机器人技术"),
            ("电商运营", ["直播", "店铺运营"], "电子商务"), ("汽车维修", ["发动机检修", "故障诊断"], "汽车检测与维修"),
            ("前端开发", ["Vue", "JavaScript"], "软件技术"), ("护理", ["静脉输液", "病房护理"], "护理"),
            ("数控铣床操作", ["CNC", "铣削"], "数控技术"), ("PLC电气调试", ["PLC", "电气接线"], "电气自动化技术")]


@pytest.mark.parametrize("pool,question", [("talent", {"id": "q", "text": "数控车床操作实习生（CNC编程）", "tags": ["CNC", "PLC"]}),
                                           ("internship", {"id": "q", "text": "数控技术专业学生，想做数控车床操作",
                                                           "title": "数控车床操作", "tags": ["CNC"],
                                                           "fields": ["装备制造大类", "数控技术"]})])
def test_the_offline_fusion_scores_as_the_engine_does(tmp_path: Path, pool: str, question: dict) -> None:  # type: ignore[type-arg]
    """``--explore`` compares fusions on the dumps: with the product's weights its formula must
    give every candidate the engine's own score — two-sided matches (both sides' fit and the
    channels' ranks, the neighbourhood picked by the two-sided score) included."""
    from matcher.evaluation import fusion
    from matcher.evaluation.dump import dump_set

    if pool == "talent":
        records = [{"id": f"s{n}", "pool": "talent", "name": f"同学{n}", "title": role, "tags": tags,
                    "fields": ["大类", major]} for n, (role, tags, major) in enumerate(STUDENTS)]
    else:
        records = [{"id": f"p{n}", "pool": "internship", "name": f"{role}实习生", "text": f"{role}岗位，要求掌握{'、'.join(tags)}",
                    "tags": tags, "fields": ["大类", major]} for n, (role, tags, major) in enumerate(STUDENTS)]
    folder = _write(tmp_path / pool, records, [question], f"q 0 {records[0]['id']} 2\n")
    dump = dump_set(folder, tmp_path / "dump.pkl", "e5", lambda _: None)
    (query,) = dump.queries
    assert len(query.docs) > 2 * fusion.PRODUCT.seeds  # the neighbourhood counts
    p = fusion.study(dump).queries[0]
    assert p.sides is not None
    engine = np.array([d["score"] for d in query.detail])
    assert not p.keyword  # a stored record asking is never a keyword list
    # (the neighbourhood's topic is read off the dump's float16 vectors: equal to 1e-4)
    assert np.allclose(fusion.scores(p, fusion.PRODUCT), engine, atol=1e-4)
    off = fusion.replace(fusion.PRODUCT, two_sided_channels=0.0)
    assert not np.allclose(fusion.scores(p, off), engine, atol=1e-3)  # the channels' share is really counted


def test_worst_margins_within_noise_are_ties_broken_by_the_mean() -> None:
    from matcher.evaluation import fusion

    margins = np.array([[0.000, -0.001, -0.010, 0.000],
                        [0.001, 0.030, 0.050, 0.001],
                        [0.002, 0.020, 0.050, 0.002]])  # sets × fusions
    assert fusion.choose(margins) == 1  # worst −0.001 is tied with 0.000, and its mean is far better
    assert fusion.choose(margins[:, [0, 3]]) == 0  # equal: the first listed
    assert fusion.choose(margins - np.array([0, 0.005, 0, 0])) == 0  # −0.006 is not within noise of 0
    assert fusion.choose(margins, keep=0) == 0  # the weights in use stay when tied with the best
    assert fusion.choose(margins - np.array([0.005, 0, 0, 0]), keep=0) == 1  # and give way beyond noise
