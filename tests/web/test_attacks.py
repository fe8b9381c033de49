"""Attacks: SQL injection and XSS payloads in every text field of every form and API body,
CSRF-less posts, oversized and malformed uploads, id enumeration.

Every payload must come back either refused with a field error (400) or stored as plain
text; every page that shows it must escape it; no request may cause a server error; the
tables must all still be there afterwards."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select

from data.db import get_engine, session_scope
from data.enums import Role
from data.models import MODELS
from data.pools import Pool
from data.sheets.columns import Kind, columns_of
from tests.matcher.world import World
from tests.web.helpers import login, token, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)

PAYLOADS = (
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "'; DROP TABLE experts; --",
    "' OR '1'='1' --",
    "1); DELETE FROM users; --",
    "{{ 7*7 }}{% print(1) %}",
    "\\x00\u202e反转",
)
# What must never appear raw in HTML: the payloads' active parts. (A template payload shows
# as its literal text "{{ 7*7 }}", which proves it was not evaluated.)
ACTIVE = re.compile(r"<script>alert|<img src=x onerror|<svg onload")


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("staff", "秘书处", Role.STAFF, None),
                      ("student", "学生", Role.STUDENT, "gz_college"))


def valid_form(pool: Pool, payload: str, field: str) -> dict[str, str]:
    """A valid row of ``pool`` with ``payload`` in the text column ``field``."""
    form = {}
    for c in columns_of(pool):
        if c.header in ("外部编号", "状态"):
            continue
        value = c.example
        if c.kind is Kind.ORG:
            value = "广州智视装备有限公司"
        if c.header == field:
            value = payload
        if value:
            form[c.header] = value
    return form


def text_fields(pool: Pool) -> list[str]:
    return [c.header for c in columns_of(pool) if c.kind in (Kind.TEXT, Kind.LIST) and c.header != "外部编号"]


def assert_escaped(html: str, where: str) -> None:
    found = ACTIVE.search(html)
    assert found is None, f"{where}: unescaped payload near {html[max(0, found.start() - 80):found.end() + 40]!r}"


def test_payloads_in_every_text_field_of_every_pool_form(client: FlaskClient) -> None:
    login(client, "staff")
    tried = 0
    for pool in Pool:
        for i, field in enumerate(text_fields(pool)):
            payload = PAYLOADS[(i + len(pool.value)) % len(PAYLOADS)]
            form = valid_form(pool, payload, field)
            if field in ("名称", "姓名", "单位名称", "岗位名称", "成果名称"):
                form[field] = payload + f"-{pool.value}-{i}"  # names must stay unique
            response = client.post(f"/pool/{pool.value}/new", data={**form, "csrf_token": token(client, "/mine")})
            tried += 1
            assert response.status_code in (302, 400), (pool, field, response.status_code)
            html = response.get_data(as_text=True)
            assert_escaped(html, f"form {pool.value}/{field}")
            if response.status_code == 302:
                page = client.get(response.location.split("#")[0]).get_data(as_text=True)
                assert_escaped(page, f"detail {pool.value}/{field}")
    for path in ("/pool/expert", "/pool/project", "/mine", "/staff/review", "/staff/audit", "/staff/duplicates?pool=project",
                 "/?q=alert&pool=expert", "/?q=onerror&pool=project", "/staff/dashboard"):
        assert_escaped(client.get(path).get_data(as_text=True), path)
    tables = set(inspect(get_engine()).get_table_names())
    assert {"experts", "users", "projects", "audit_log"} <= tables
    with session_scope() as s:
        assert all(s.scalar(select(func.count()).select_from(m)) > 0 for m in MODELS.values())
    print(f"form payloads: {tried} fields × payloads submitted")


def test_payloads_in_api_bodies_queries_and_free_text_fields(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    for i, payload in enumerate(PAYLOADS):
        body = {c.header: payload for c in columns_of(Pool.PROJECT) if c.kind in (Kind.TEXT, Kind.LIST)
                and c.kind is not Kind.ORG and c.header not in ("发布单位", "外部编号")}
        body.update({"名称": f"{payload}{i}", "项目类型": "技术攻关"})
        created = client.post("/api/v1/pools/project", json=body, headers={"X-CSRFToken": token(client, "/mine")})
        assert created.status_code in (201, 400), created.get_json()
        if created.status_code == 201:
            item = created.get_json()["item"]
            assert item["description"] == payload  # stored as plain text, returned as data
            assert_escaped(client.get(f"/pool/project/{item['id']}").get_data(as_text=True), "api-created detail")
        for url in (f"/?q={payload}", f"/api/v1/search?q={payload}", f"/pool/expert?field={payload}",
                    f"/api/v1/pools/expert?field={payload}", f"/staff/audit?actor={payload}"):
            response = client.get(url)
            assert response.status_code < 500, url
            if response.mimetype == "text/html":
                assert_escaped(response.get_data(as_text=True), url)
        # Free text in workflow forms.
        csrf = token(client, "/mine")
        client.post(f"/contact/expert/{world.ids['vision_expert']}", data={"csrf_token": csrf, "purpose": "consulting",
                                                                          "message": payload})
        client.post("/membership", data={"csrf_token": csrf, "action": "apply", "level": "会员单位",
                                         "materials": payload * 5})
        assert client.post("/register", data={"csrf_token": csrf, "username": payload[:60], "display_name": payload,
                                              "role": "enterprise", "org_name": payload, "password": "x",
                                              "password2": "y"}).status_code == 400
    for path in ("/contacts", "/membership", "/mine", f"/pool/expert/{world.ids['vision_expert']}"):
        assert_escaped(client.get(path).get_data(as_text=True), path)
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(MODELS[Pool.EXPERT])) >= 4


def test_posts_without_a_csrf_token_change_nothing(world: World) -> None:
    app = create_app({"TESTING": True})  # CSRF on, as in production
    with app.test_client() as client:
        login(client, "maker")
        for url, data in ((f"/pool/project/{world.ids['vision_need']}/edit", {"名称": "被篡改"}),
                          ("/needs/new", {"名称": "伪造需求"}), ("/logout", {}),
                          (f"/pool/internship/{world.ids['post']}/delete", {}),
                          ("/feedback", {"action": "感兴趣"}), ("/account/password", {"old": "secret-pass"})):
            response = client.post(url, data=data)
            assert response.status_code == 400 and "安全令牌" in response.get_data(as_text=True), url
        # A cross-site form cannot send JSON to the API, and a non-JSON body is refused.
        assert client.post("/api/v1/pools/project", data={"名称": "x"}).status_code == 400
    with session_scope() as s:
        from data.models import Internship, Project

        assert s.get(Project, world.ids["vision_need"]).name == "产线零件表面缺陷视觉检测"
        assert s.get(Internship, world.ids["post"]) is not None


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * (300 * 1024 * 1024))
    return out.getvalue()


def test_oversized_and_malformed_uploads_are_refused_cleanly(client: FlaskClient) -> None:
    login(client, "staff")
    cases = {
        "a PDF renamed .xlsx": (b"%PDF-1.4 not a sheet", "sheet.xlsx", 400),
        "a broken zip": (b"PK\x03\x04broken", "sheet.xlsx", 400),
        "a zip bomb": (_zip_bomb(), "bomb.xlsx", 400),
        "binary .csv": (bytes(range(256)) * 10, "data.csv", 400),
        "an executable": (b"MZ\x90\x00", "tool.exe", 400),
    }
    for name, (content, filename, status) in cases.items():
        response = client.post("/staff/import", data={"pool": "expert", "file": (io.BytesIO(content), filename),
                                                      "csrf_token": token(client, "/staff/import")},
                               content_type="multipart/form-data")
        assert response.status_code == status, (name, response.status_code)
        assert "Traceback" not in response.get_data(as_text=True)
    # 25 MB, refused by its declared length before anything is parsed. (Sent as a raw body: the
    # test client would otherwise spool its own multipart encoding to a temporary file.)
    big = client.post("/staff/import", data=b"x" * (25 * 1024 * 1024), content_type="multipart/form-data; boundary=x")
    assert big.status_code == 413 and "上传内容过大" in big.get_data(as_text=True)
    uploads = list((__import__("data.settings", fromlist=["instance_dir"]).instance_dir() / "uploads").glob("*"))
    assert uploads == []  # refused files are not kept


def test_ids_do_not_enumerate(client: FlaskClient, world: World) -> None:
    """Walking ids as another organization: hidden and missing look the same everywhere."""
    from data.enums import Visibility
    from data.models import Project

    with session_scope() as s:
        s.get(Project, world.ids["ferment_need"]).visibility = Visibility.PRIVATE
    login(client, "student")
    answers = {}
    for record_id in (world.ids["ferment_need"], 987654):
        for url in (f"/pool/project/{record_id}", f"/api/v1/pools/project/{record_id}",
                    f"/api/v1/recommendations/project/{record_id}?direction=need_experts"):
            response = client.get(url)
            body = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))  # signed per render
            answers.setdefault(url.replace(str(record_id), "N"), set()).add(
                (response.status_code, body.replace(str(record_id), "N")))
    assert all(len(v) == 1 for v in answers.values()), answers
