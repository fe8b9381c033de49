"""Pages and the JSON API over a small alliance: statuses, content, error bodies, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests.matcher.world import World, build_world
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)



@pytest.fixture
def world(live_db: str) -> World:
    return build_world()


@pytest.fixture
def app(world: World) -> Flask:
    return create_app({"TESTING": True})


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as client:
        yield client


def test_home_search_highlights_and_counts(client: FlaskClient, world: World) -> None:
    assert "产教融合供需精准对接" in client.get("/").get_data(as_text=True)
    page = client.get("/?q=机器视觉缺陷检测&pool=expert").get_data(as_text=True)
    assert "陈<mark>视觉</mark>" in page and "专家库" in page
    assert "林同学" not in client.get("/?q=工业机器人&pool=talent").get_data(as_text=True)  # members only


def test_pool_list_and_detail_with_recommendations(client: FlaskClient, world: World) -> None:
    listing = client.get("/pool/achievement").get_data(as_text=True)
    assert "低盐酱油快速发酵工艺" in listing
    detail = client.get(f"/pool/project/{world.ids['vision_need']}")
    html = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "智能推荐" in html and "匹配专家与教师" in html and "匹配科技成果" in html
    assert "陈视觉" in html and "领域一致：智能制造" in html and "王内部" not in html
    assert "100-000" not in html and "@" not in html.split("<footer>")[0]  # no contact data


def test_hidden_and_unknown_records_look_the_same(client: FlaskClient, world: World) -> None:
    hidden = client.get(f"/api/v1/pools/talent/{world.ids['fit_student']}")
    missing = client.get("/api/v1/pools/talent/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["code"] == "not_found" and hidden.get_json()["field"] == "id"
    assert client.get("/pool/talent/999999").status_code == 404
    assert client.get("/pool/nonsense").status_code == 404


def test_api_search_records_and_recommendations(client: FlaskClient, world: World) -> None:
    found = client.get("/api/v1/search?q=酱油发酵&pool=achievement").get_json()
    assert found["items"][0]["name"] == "低盐酱油快速发酵工艺" and found["counts"]["project"] >= 1
    assert "phone" not in found["items"][0] and "natural_key" not in found["items"][0]
    listing = client.get("/api/v1/pools/expert?page=1").get_json()
    assert listing["total"] == 4 and all("email" not in item for item in listing["items"])
    rec = client.get(f"/api/v1/recommendations/project/{world.ids['vision_need']}?direction=need_experts&k=2").get_json()
    top = rec["items"][0]
    assert top["name"] == "陈视觉" and 0 < top["score"] <= 100 and top["reasons"] and top["parts"]["领域"] == 100


@pytest.mark.parametrize(
    "url,status,field",
    [("/api/v1/search", 400, "q"), ("/api/v1/search?q=" + "长" * 201, 400, "q"),
     ("/api/v1/pools/expert?page=0", 400, "page"), ("/api/v1/pools/bogus", 404, "pool"),
     ("/api/v1/recommendations/project/{vision_need}?direction=bogus", 400, "direction")],
)
def test_api_errors_have_one_shape(client: FlaskClient, world: World, url: str, status: int, field: str) -> None:
    response = client.get(url.format(**world.ids))
    body = response.get_json()
    assert response.status_code == status and body["field"] == field and body["message"]
    assert set(body) <= {"code", "message", "field"}


def test_feedback_needs_a_user_and_json(client: FlaskClient, world: World) -> None:
    assert client.post("/api/v1/feedback", data="x").get_json()["message"] == "请求体应为 JSON 对象"
    response = client.post("/api/v1/feedback", json={"direction": "need_experts", "target_pool": "expert",
                                                     "target_id": 1, "action": "感兴趣"})
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_openapi_document_is_valid(client: FlaskClient, world: World) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert "/recommendations/{pool_name}/{record_id}" in document["paths"]
    assert set(document["paths"]["/pools/{pool_name}/{record_id}"]) == {"get", "patch", "delete"}
    # Every API route of the app is documented.
    documented = {"/api/v1" + path.replace("{", "<").replace("}", ">") for path in document["paths"]}
    routes = {r.rule for r in client.application.url_map.iter_rules()
              if r.rule.startswith("/api/v1/") and not r.rule.startswith(("/api/v1/docs", "/api/v1/openapi"))}
    normalized = {r.replace("<int:", "<") for r in routes}
    assert normalized == documented


def test_interactive_api_docs_are_served_locally(client: FlaskClient, world: World) -> None:
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert 'src="/api/v1/docs/assets/swagger-ui-bundle.js"' in page and "<script>" not in page and "http" not in page
    with client.get("/api/v1/docs/assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200 and b"SwaggerUIBundle" in asset.data
    assert client.get("/api/v1/docs/assets/..%2Fcore.py").status_code == 404
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404


def test_unknown_page_answers_html_or_json(client: FlaskClient, world: World) -> None:
    html = client.get("/nowhere")
    assert html.status_code == 404 and "找不到" in html.get_data(as_text=True)
    json_ = client.get("/nowhere", headers={"Accept": "application/json"})
    assert json_.get_json() == {"code": "not_found", "message": "找不到该页面或记录"}

