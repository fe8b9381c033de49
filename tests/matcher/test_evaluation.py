"""``chanjiao eval`` on a tiny labelled set, and its input errors."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_eval_reports_all_three_rankings(tmp_path: Path) -> None:
    lines: list[str] = []
    table = run_eval(write_set(tmp_path / "set"), "e5", lines.append, run_out=tmp_path / "run.txt")
    assert table["product"]["ndcg10"] == pytest.approx(1.0)
    assert table["product"]["mrr10"] == pytest.approx(1.0)
    assert set(table) == {"product", "bm25", "semantic"}
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
