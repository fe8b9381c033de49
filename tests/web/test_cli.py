"""The ``chanjiao`` commands a user types, with the messages they read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.data.sheets import EXPERT_HEADER, ORG_HEADER, write_csv
from web.cli import cli


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), catch_exceptions=False)

    assert invoke("init-db").exit_code == 0
    return invoke


def test_template_import_export(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = tmp_path / "expert.xlsx"
    result = run("template", "专家库", str(template))
    assert result.exit_code == 0 and template.exists()

    orgs = write_csv(tmp_path / "o.csv", [ORG_HEADER, ["示例理工大学", "院校", "智能制造", "广州"]], encoding="gbk")
    assert "新增 1" in run("import", "organization", str(orgs)).output

    experts = write_csv(tmp_path / "e.csv", [EXPERT_HEADER, ["张三", "示例理工大学", "教授", "机器视觉", "广州", None],
                                             ["李四", "示例理工大学", "", "", "广州", None]])
    bad = run("import", "expert", str(experts))
    assert bad.exit_code == 1
    assert "第3行 「研究方向」: 必填，不能为空" in bad.output
    assert "未写入任何数据" in bad.output

    dry = run("import", "expert", str(experts.with_name("e.csv")), "--dry-run")
    assert dry.exit_code == 1
    write_csv(experts, [EXPERT_HEADER, ["张三", "示例理工大学", "教授", "机器视觉", "广州", None]])
    assert "试运行" in run("import", "expert", str(experts), "--dry-run").output
    assert "新增 1" in run("import", "expert", str(experts)).output
    assert "未变 1" in run("import", "expert", str(experts)).output

    out = tmp_path / "out.xlsx"
    assert "1 条" in run("export", "expert", str(out)).output
    assert "专家库\t1" in run("stats").output


def test_bad_input_never_shows_a_traceback(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    picture = tmp_path / "photo.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = run("import", "expert", str(picture))
    assert result.exit_code == 1 and "这不是 Excel" in result.output and "Traceback" not in result.output
    result = run("import", "nonsense", str(picture))
    assert result.exit_code == 2 and "未知的资源库「nonsense」" in result.output
    result = run("export", "expert", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "只能导出为 .xlsx 或 .csv" in result.output
    result = run("import", "expert", str(tmp_path / "missing.csv"))
    assert result.exit_code == 1 and "找不到文件" in result.output
