"""「批量导入」 as a person meets it: every row error at once (the organization too), formats and
vocabularies checked on every write path, bad rows highlighted, long cells shortened, problems
with the file itself on the import page, the uploaded file's own name, the template download."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role
from data.models import AuditEntry, Expert
from data.pools import Pool
from data.sheets.columns import columns_of
from data.sheets.importer import import_file
from tests.matcher.world import World
from tests.web.helpers import login, token, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)
HEADER = ["姓名", "所属单位", "职称", "研究方向", "个人简介", "手机", "邮箱", "行业领域", "地区"]
GOOD = ["张视觉", "广州智造职业技术学院", "教授", "机器视觉", "研究视觉检测", "13800000000", "zhang@example.com", "智能制造", "广州"]


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("staff", "秘书处甲", Role.STAFF, None), ("maker", "智视用户", Role.ENTERPRISE, "maker"))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client: FlaskClient, data: bytes, name: str, pool: str = "expert"):  # type: ignore[no-untyped-def]
    return client.post("/staff/import", content_type="multipart/form-data", data={
        "pool": pool, "file": (io.BytesIO(data), name), "csrf_token": token(client, "/staff/import")})


def _sheet() -> list[list[str]]:
    rows = [HEADER]
    for i in range(30):
        rows.append([f"专家{i:02d}", *GOOD[1:]])
    rows[2] = ["王错号", "不存在的大学", "院士", "机器视觉", "简介", "12345", "not-mail", "航海", "广州"]  # sheet row 3
    rows[4][4] = "长" * 9000  # sheet row 5: long but allowed
    rows[29][5] = "1380000000"  # sheet row 30: ten digits, past the first 20 rows
    return rows


def test_every_row_error_is_listed_at_once_and_bad_rows_are_highlighted(client: FlaskClient, world: World) -> None:
    login(client, "staff")
    response = _upload(client, _csv(_sheet()), "专家名单.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("第3行 「所属单位」: 单位「不存在的大学」不存在",  # with the row's other errors, not after them
                    "第3行 「职称」: 应为以下之一：教授", "第3行 「手机」: 「12345」不是有效的电话号码",
                    "第3行 「邮箱」: 「not-mail」不是有效的邮箱地址", "第3行 「行业领域」: 「航海」不是平台的行业领域",
                    "第30行 「手机」: 「1380000000」不是有效的电话号码"):
        assert message in html, message
    assert "专家名单.csv · 专家库 · 共 30 行" in html and "共 9000 字" in html and "长" * 9001 not in html
    assert "长" * 120 in html
    bad = re.findall(r'<tr class="bad"><td>(\d+)</td>', html)
    assert bad == ["3", "30"]  # row 30 is shown although the preview's first rows end at 21
    assert re.search(r'<td class="bad-cell" title="[^"]*电话号码[^"]*">12345</td>', html)
    with session_scope() as s:
        assert s.scalar(select(Expert).where(Expert.name == "专家00")) is None


def test_file_problems_come_back_on_the_import_page(client: FlaskClient, world: World) -> None:
    login(client, "staff")
    for data, name, pool, wanted in (
            (b"%PDF-1.4 not a sheet", "名单.xlsx", "expert", "「名单.xlsx」无法导入专家库"),
            (b"PK\x03\x04broken", "坏文件.xlsx", "expert", "文件已损坏"),
            (_csv([HEADER, GOOD]), "专家.csv", "achievement", "这份表格看起来是专家库的"),
            (_csv([HEADER, GOOD]), "专家.csv", "bogus", "「pool」"),
            (b"a,b", "tool.exe", "expert", "只支持 .xlsx 或 .csv 文件")):
        response = _upload(client, data, name, pool)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "<h1>批量导入</h1>" in html and 'id="import-error"' in html, (name, pool)
        assert wanted in html, (name, html[html.find("import-error"):][:400])
        assert 'enctype="multipart/form-data"' in html  # the form is there to try again
    missing = client.post("/staff/import", data={"pool": "expert", "csrf_token": token(client, "/staff/import")})
    assert missing.status_code == 400 and "请选择要导入的 Excel 或 CSV 文件" in missing.get_data(as_text=True)


def test_the_source_is_the_uploaded_files_name(client: FlaskClient, world: World) -> None:
    login(client, "staff")
    page = _upload(client, _csv([HEADER, GOOD]), "秘书处/名单/新专家.csv").get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(pool|upload_id|suffix|filename)" value="([^"]*)"', page))
    assert hidden["filename"] == "新专家.csv"
    done = client.post("/staff/import/confirm", data={**hidden, "csrf_token": token(client, "/staff/import")})
    assert done.status_code == 302
    with session_scope() as s:
        expert = s.scalar(select(Expert).where(Expert.name == "张视觉"))
        assert expert.source == "import:新专家.csv"
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
        assert entry.summary.startswith("新专家.csv：")
    assert "来源 import:新专家.csv" in client.get("/staff/review").get_data(as_text=True)


def test_the_import_page_offers_each_pools_template(client: FlaskClient, world: World) -> None:
    login(client, "staff")
    page = client.get("/staff/import?pool=internship").get_data(as_text=True)
    assert 'href="/staff/import/template?pool=internship"' in page and "下载岗位库导入模板" in re.sub(r"<[^>]+>", "", page)
    for pool in Pool:
        response = client.get(f"/staff/import/template?pool={pool.value}")
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
        assert [c.value for c in next(sheet.iter_rows(max_row=1))] == [c.header for c in columns_of(pool)]
    bad = client.get("/staff/import/template?pool=bogus")
    assert bad.status_code == 400 and "「pool」" in bad.get_data(as_text=True)


def test_formats_and_vocabularies_hold_on_the_form_the_api_and_the_command_line(client: FlaskClient, world: World,
                                                                                tmp_path: Path) -> None:
    login(client, "maker")
    csrf = token(client, "/mine")
    form = client.post("/pool/expert/new", data={"csrf_token": csrf, "姓名": "李工", "研究方向": "机器视觉",
                                                 "手机": "138-0000", "邮箱": "li@@example.com", "行业领域": "航海",
                                                 "职称": "院士", "可见范围": "公开"})
    html = form.get_data(as_text=True)
    assert form.status_code == 400
    notice = html[html.index('id="form-errors"'):]
    for message in ("「手机」「138-0000」不是有效的电话号码", "「邮箱」「li@@example.com」不是有效的邮箱地址",
                    "「行业领域」「航海」不是平台的行业领域", "「职称」应为以下之一：教授"):
        assert message in notice, message  # the summary names each field and says what is wrong
    api = client.post("/api/v1/pools/expert", headers={"X-CSRFToken": csrf},
                      json={"姓名": "李工", "研究方向": ["机器视觉"], "邮箱": "li at example.com"})
    assert api.status_code == 400 and api.get_json()["field"] == "邮箱"
    ok = client.post("/api/v1/pools/expert", headers={"X-CSRFToken": csrf},
                     json={"姓名": "李工", "研究方向": ["机器视觉"], "手机": "+86 138 0000 0000", "邮箱": "li@example.com",
                           "行业领域": "智能制造"})
    assert ok.status_code == 201, ok.get_json()
    sheet = tmp_path / "专家.csv"
    sheet.write_bytes(_csv([HEADER, [*GOOD[:5], "020-1234", *GOOD[6:]]]))
    with session_scope() as s:
        report = import_file(s, Pool.EXPERT, sheet, dry_run=True)
    assert [str(e) for e in report.errors] == [
        "第2行 「手机」: 「020-1234」不是有效的电话号码：手机号 11 位（如 13800000000），座机带区号（如 020-12345678）"]
