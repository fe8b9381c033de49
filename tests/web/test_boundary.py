"""Bad input at the boundary, by class, on SQLite and PostgreSQL: integers (non-ASCII digits,
huge, negative), deeply nested and oversized JSON, NUL characters anywhere, unknown pools,
over-long lists; plus who may read a job, CSRF for cookie-authenticated API writes, and the
``Allow`` header of a 405. Every answer is a Chinese 4xx naming the field, never a 500."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from data.db import session_scope
from data.enums import Role
from data.models import MODELS, AuditEntry, Feedback, Internship, Project
from data.settings import instance_dir
from data.workflows.accounts import create_api_token
from indexer.dispatch import wait_idle
from tests.matcher.world import World
from tests.web.helpers import login, switch, token, world_with
from web import create_app
from web.boundary import MAX_ID, MAX_JSON_BYTES, MAX_JSON_DEPTH

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)

# What a person or a script types where a number belongs.
BAD_NUMBERS = ("²", "٣", "１２", "1e3", "-1", "0", "3.0", "0x10", str(10**20), "9" * 5000, "1 2", "%2B1", "1_000")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("staff", "秘书处", Role.STAFF, None),
                      ("staff2", "秘书处二", Role.STAFF, None), ("student", "学生", Role.STUDENT, "gz_college"))


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:  # CSRF on, as in production
        yield client


def _refused(response, status: int, field: str, named: bool = True) -> str:  # type: ignore[no-untyped-def]
    """The response is ``status`` with a Chinese message; JSON names ``field``, a page's message
    mentions it (unless ``named`` is False: a message of the view's own)."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, text[:300])
    assert CHINESE.search(text) and "Traceback" not in text
    if response.is_json:
        assert response.get_json()["field"] == field, response.get_json()
    elif named:
        assert f"「{field}」" in text, text[-600:]
    return text


def test_integer_parameters_of_every_kind(client: FlaskClient, world: World) -> None:
    need = world.ids["vision_need"]
    login(client, "staff")
    for bad in BAD_NUMBERS:
        for url, field in ((f"/?q=视觉&page={bad}", "page"), (f"/pool/expert?page={bad}", "page"),
                           (f"/api/v1/pools/expert?page={bad}", "page"), (f"/api/v1/search?q=视觉&page={bad}", "page"),
                           (f"/api/v1/recommendations/project/{need}?direction=need_experts&k={bad}", "k"),
                           (f"/staff/audit?page={bad}", "page"), (f"/staff/audit?record_id={bad}", "record_id")):
            assert client.get(url).status_code == 400, url
            _refused(client.get(url), 400, field)
        csrf = token(client, "/mine")
        feedback = client.post("/feedback", data={"csrf_token": csrf, "source_pool": "project", "source_id": bad,
                                                  "target_pool": "expert", "target_id": world.ids["vision_expert"],
                                                  "direction": "need_experts", "action": "感兴趣"})
        _refused(feedback, 400, "source_id")
        merge = client.post("/staff/duplicates/merge", data={"csrf_token": csrf, "pool": "expert",
                                                             "keep_id": world.ids["vision_expert"], "drop_id": bad})
        _refused(merge, 400, "drop_id", named=False)  # 请选择要保留和要合并的记录
        api = client.post("/api/v1/feedback", headers={"X-CSRFToken": csrf},
                          json={"direction": "need_experts", "target_pool": "expert", "target_id": bad, "action": "感兴趣"})
        _refused(api, 400, "target_id")
    for number in (10**20, -1, 0, True, 1.5, None, [1]):  # JSON values that are not ids
        api = client.post("/api/v1/feedback", headers={"X-CSRFToken": token(client, "/mine")},
                          json={"direction": "need_experts", "target_pool": "expert", "target_id": number, "action": "感兴趣"})
        _refused(api, 400, "target_id")
    # Upper bounds are the parser's, and its ids stop at the databases' integer range.
    _refused(client.get("/api/v1/pools/expert?page=100001"), 400, "page")
    _refused(client.get(f"/api/v1/recommendations/project/{need}?direction=need_experts&k=51"), 400, "k")
    assert client.get(f"/staff/audit?record_id={MAX_ID}").status_code == 200
    _refused(client.get(f"/staff/audit?record_id={MAX_ID + 1}"), 400, "record_id")
    # A path id is ASCII digits within range, or no route at all: ٣ is not record 3.
    assert client.get(f"/pool/project/{need}").status_code == 200
    for path in ("٣", "²", str(MAX_ID + 1), str(10**20)):
        assert client.get(f"/pool/project/{path}").status_code == 404
        assert client.get(f"/api/v1/pools/project/{path}").status_code == 404
    # Well-formed values still work.
    assert client.get("/api/v1/pools/expert?page= 2 ").status_code == 200
    assert len(client.get(f"/api/v1/recommendations/project/{need}?direction=need_experts&k=50").get_json()["items"]) > 0
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Feedback)) == 0


def test_deep_and_large_json_bodies(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    headers = {"X-CSRFToken": token(client, "/mine"), "Content-Type": "application/json"}
    for depth in (MAX_JSON_DEPTH + 1, 5_000, 200_000):
        for body in ("[" * depth + "]" * depth, '{"名称":' * (depth // 10) + "1" + "}" * (depth // 10)):
            if body.startswith("{") and depth // 10 <= MAX_JSON_DEPTH:
                continue
            text = _refused(client.post("/api/v1/pools/project", data=body, headers=headers), 400, "body")
            assert f"嵌套层数不能超过 {MAX_JSON_DEPTH} 层" in text
    nested = {"a": 1}
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = {"a": nested}
    # Within the depth: parsed, and then refused for what it says (an unknown field), not for its shape.
    assert client.post("/api/v1/pools/project", json=nested, headers=headers).get_json()["field"] == "a"
    big = '{"名称": "' + "长" * (MAX_JSON_BYTES // 3 + 10) + '"}'
    text = _refused(client.post("/api/v1/pools/project", data=big.encode(), headers=headers), 413, "body")
    assert "JSON 请求体不能超过" in text
    _refused(client.post("/api/v1/feedback", data="[" * 100_000, headers=headers), 400, "body")


def test_nul_characters_anywhere_are_refused_naming_the_field(client: FlaskClient, world: World) -> None:
    gets = {"/pool/expert?field=智能\x00制造": "field", "/?q=视觉\x00": "q", "/api/v1/search?q=a\x00b": "q",
            "/api/v1/pools/expert?field=\x00": "field", "/pool/expert?sort=\x00": "sort", "/?x\x00=1": "x\x00"}
    for url, field in gets.items():
        _refused(client.get(url), 400, field.replace("\x00", "\\x00"))
    bearer = client.get("/api/v1/pools/expert", headers={"Authorization": "Bearer abc\x00def"})
    _refused(bearer, 400, "Authorization")
    login_form = client.post("/login", data={"username": "staff\x00", "password": "secret-pass",
                                             "csrf_token": token(client, "/login")})
    _refused(login_form, 400, "username")
    login(client, "maker")
    csrf = token(client, "/mine")
    form = client.post("/needs/new", data={"csrf_token": csrf, "名称": "需求\x00", "项目类型": "技术攻关",
                                           "需求描述": "描述", "可见范围": "公开"})
    _refused(form, 400, "名称")
    for body, field in (({"名称": "名\x00称", "项目类型": "技术攻关", "需求描述": "x"}, "名称"),
                        ({"名称": "正常", "项目类型": "技术攻关", "需求描述": "x", "标签": ["好", "坏\x00"]}, "标签"),
                        ({"名\x00称": "x"}, "名\x00称")):
        response = client.post("/api/v1/pools/project", json=body, headers={"X-CSRFToken": csrf})
        _refused(response, 400, field.replace("\x00", "\\x00"))
    upload = client.post("/staff/import", data={"csrf_token": csrf, "pool": "expert",
                                                "file": (io.BytesIO(b"x"), "a\x00.csv")},
                         content_type="multipart/form-data")
    _refused(upload, 400, "file")
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Project).where(Project.name.in_(["正常", "需求"]))) == 0


def test_unknown_pools_in_forms_queries_and_paths(client: FlaskClient, world: World) -> None:
    login(client, "staff")
    csrf = token(client, "/staff/import")
    for pool in ("bogus", "", "专家库x", "expert ; drop"):
        _refused(client.get(f"/?q=视觉&pool={pool}"), 400, "pool")
        _refused(client.get(f"/api/v1/search?q=视觉&pool={pool}"), 400, "pool")
        _refused(client.get(f"/staff/duplicates?pool={pool}"), 400, "pool")
        for url, data in (("/staff/import/confirm", {"pool": pool, "upload_id": "0" * 32, "suffix": ".csv"}),
                          ("/staff/duplicates/merge", {"pool": pool, "keep_id": "1", "drop_id": "2"}),
                          ("/staff/import", {"pool": pool, "file": (io.BytesIO(b"a,b\n"), "a.csv")}),
                          ("/feedback", {"source_pool": pool, "source_id": "1", "target_pool": "expert", "target_id": "1"})):
            field = "source_pool" if url == "/feedback" else "pool"
            _refused(client.post(url, data={**data, "csrf_token": csrf}), 400, field)
        api = client.post("/api/v1/feedback", headers={"X-CSRFToken": csrf},
                          json={"direction": "need_experts", "target_pool": pool, "target_id": 1, "action": "感兴趣"})
        _refused(api, 400, "target_pool")
    for url in ("/pool/bogus", "/pool/bogus/1", "/api/v1/pools/bogus", "/api/v1/recommendations/bogus/1?direction=x"):
        _refused(client.get(url), 404, "pool", named=False)
    # Chinese labels are pools too.
    assert client.get("/staff/duplicates?pool=专家库").status_code == 200


def test_list_lengths_through_the_form_and_the_api(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    csrf = token(client, "/mine")
    tags = "、".join(f"标签{i}" for i in range(150_000))
    form = client.post("/pool/project/new", data={"csrf_token": csrf, "名称": "十五万个标签的需求", "项目类型": "技术攻关",
                                                  "需求描述": "描述", "可见范围": "公开", "标签": tags})
    assert form.status_code == 400 and "最多填写 50 项，现有 150000 项" in form.get_data(as_text=True)
    body = {"名称": "五十一项技能", "项目类型": "技术攻关", "需求描述": "x", "所需技能": [f"s{i}" for i in range(51)]}
    api = client.post("/api/v1/pools/project", json=body, headers={"X-CSRFToken": csrf})
    assert api.status_code == 400 and api.get_json()["field"] == "所需技能"
    assert "最多填写 50 项" in api.get_json()["message"]
    body["所需技能"] = body["所需技能"][:50]
    assert client.post("/api/v1/pools/project", json=body, headers={"X-CSRFToken": csrf}).status_code == 201
    with session_scope() as s:
        assert s.scalar(select(Project.id).where(Project.name == "十五万个标签的需求")) is None


def test_only_staff_and_the_starter_read_a_job(client: FlaskClient, world: World) -> None:
    with session_scope() as s:
        staff, maker = create_api_token(s, "staff")[1], create_api_token(s, "maker")[1]
    started = client.post("/api/v1/reindex/expert", headers={"Authorization": f"Bearer {staff}"})
    assert started.status_code == 202
    url = started.get_json()["status_url"]
    wait_idle(60)
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.get_json()["code"] == "unauthorized"
    assert client.get(url, headers={"Authorization": f"Bearer {maker}"}).status_code == 404  # not theirs: no such job
    job = client.get(url, headers={"Authorization": f"Bearer {staff}"}).get_json()
    assert job["kind"] == "reindex" and job["owner"] is not None
    login(client, "staff2")
    assert client.get(url).status_code == 200  # any staff member
    assert client.get("/api/v1/jobs/" + "0" * 32).status_code == 404


def test_cookie_sessions_need_the_csrf_token_for_api_writes(client: FlaskClient, world: World) -> None:
    login(client, "staff")
    csrf = token(client, "/mine")
    sheet = b"\xef\xbb\xbf\xe5\x90\x8d\xe7\xa7\xb0\n"
    for method, url, kwargs in (("POST", "/api/v1/reindex/expert", {}),
                                ("POST", "/api/v1/imports/project", {"data": {"file": (io.BytesIO(sheet), "a.csv")}}),
                                ("POST", "/api/v1/pools/project", {"json": {"名称": "跨站伪造", "项目类型": "技术攻关",
                                                                            "需求描述": "x"}}),
                                ("PATCH", f"/api/v1/pools/project/{world.ids['vision_need']}", {"json": {"名称": "被篡改"}}),
                                ("DELETE", f"/api/v1/pools/internship/{world.ids['post']}", {})):
        refused = client.open(url, method=method, **kwargs)
        assert refused.status_code == 400 and refused.get_json()["code"] == "csrf", (url, refused.get_json())
        assert "X-CSRFToken" in refused.get_json()["message"]
    with session_scope() as s:
        assert s.get(Project, world.ids["vision_need"]).name == "产线零件表面缺陷视觉检测"
        assert s.get(Internship, world.ids["post"]) is not None
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "create")) == 0
    assert client.post("/api/v1/reindex/expert", headers={"X-CSRFToken": csrf}).status_code == 202
    wait_idle(60)
    # The API documentation's "try it out" sends the token its page carries.
    docs = re.search(r'data-csrf="([^"]+)"', client.get("/api/v1/docs").get_data(as_text=True))
    assert docs and client.post("/api/v1/reindex/expert", headers={"X-CSRFToken": docs.group(1)}).status_code == 202
    wait_idle(60)
    # A token call carries no cookie of the site: no CSRF token needed.
    with session_scope() as s:
        bearer = create_api_token(s, "staff")[1]
    with create_app({"TESTING": True}).test_client() as machine:
        assert machine.post("/api/v1/reindex/expert", headers={"Authorization": f"Bearer {bearer}"}).status_code == 202
    wait_idle(60)
    switch(client, "maker")  # reads need no token
    assert client.get("/api/v1/pools/project").status_code == 200


def test_405_answers_carry_allow(client: FlaskClient, world: World) -> None:
    for url, method, allowed in (("/logout", "GET", {"POST"}), ("/api/v1/search", "DELETE", {"GET"}),
                                 ("/api/v1/pools/expert", "PUT", {"GET", "POST"})):
        response = client.open(url, method=method)
        assert response.status_code == 405, url
        assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}, response.headers
        assert "不支持该请求方法" in response.get_data(as_text=True)


def _bomb() -> bytes:
    """A workbook whose sheet is a million empty rows: 2.5 MB zipped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>'
                   + "".join(f'<row r="{n}"/>' for n in range(1, 1_048_577)) + "</sheetData></worksheet>")
    return out.getvalue()


def test_a_bomb_upload_is_refused_and_leaves_nothing(client: FlaskClient, world: World) -> None:
    login(client, "staff")
    with session_scope() as s:
        before = {p: s.scalar(select(func.count()).select_from(m)) for p, m in MODELS.items()}
    response = client.post("/staff/import", data={"pool": "expert", "file": (io.BytesIO(_bomb()), "bomb.xlsx"),
                                                  "csrf_token": token(client, "/staff/import")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "行数超过上限" in response.get_data(as_text=True)
    assert list((instance_dir() / "uploads").glob("*")) == []
    with session_scope() as s:
        assert {p: s.scalar(select(func.count()).select_from(m)) for p, m in MODELS.items()} == before
