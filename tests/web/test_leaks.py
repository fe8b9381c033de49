"""A 仅本单位 and a 会员可见 record never reach a user who may not see them, by any channel:
search results and counts, pool lists and totals, detail pages and the API by id, every
recommendation panel and its explanations, feedback and applications by id, exports.
(The site has no autocomplete endpoint; the search box is the only suggestion channel.)"""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from data.db import session_scope
from data.enums import JobKind, MemberLevel, MemberStatus, OrgKind, ProjectKind, Role, Visibility
from data.keys import natural_key
from data.models import Expert, Internship, Organization, Project, Talent
from data.pools import Pool
from data.workflows.accounts import create_user
from indexer.context import get_context
from indexer.operations import rebuild_pool
from tests.matcher.world import World, build_world
from tests.web.helpers import login, token

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)

PRIVATE_WORD, MEMBERS_WORD = "氦泡焊缝", "钛蜂窝铆接"
# name fragments that must never show (terms are repeated in descriptions to rank them first)
SECRETS = {"private": f"{PRIVATE_WORD}攻关", "members": f"{MEMBERS_WORD}工艺需求", "post": f"{PRIVATE_WORD}实习生"}


@pytest.fixture
def world(live_db: str) -> World:
    world = build_world()
    ids = world.ids
    with session_scope() as s:
        maker = s.get(Organization, ids["maker"])
        maker.member_status, maker.member_level = MemberStatus.ACTIVE, MemberLevel.DIRECTOR
        college = s.get(Organization, ids["gz_college"])
        college.member_status = MemberStatus.ACTIVE
        lapsed = Organization(name="失效会员企业", kind=OrgKind.ENTERPRISE, natural_key=natural_key("失效会员企业", None, None),
                              member_status=MemberStatus.LAPSED)
        s.add(lapsed)
        s.flush()
        for key, visibility, name in (("private", Visibility.PRIVATE, SECRETS["private"]),
                                      ("members", Visibility.MEMBERS, SECRETS["members"])):
            word = PRIVATE_WORD if key == "private" else MEMBERS_WORD
            need = Project(name=name, owner_org_id=maker.id, natural_key=key, project_kind=ProjectKind.TECH_PROBLEM,
                           field="智能制造", region_code="440100", skills=[word, "机器视觉"], visibility=visibility,
                           description=f"{word}{word}：需要{word}与机器视觉检测方面的专家")
            s.add(need)
            s.flush()
            ids[f"{key}_need"] = need.id
        post = Internship(name=SECRETS["post"], owner_org_id=maker.id, natural_key="secret-post", job_kind=JobKind.INTERNSHIP,
                          seats=2, field="智能制造", region_code="440100", skills=[PRIVATE_WORD, "PLC编程"],
                          majors=["工业机器人技术"], visibility=Visibility.PRIVATE, description=f"{PRIVATE_WORD}岗位")
        s.add(post)
        # An expert whose research is exactly the secret words: the hidden needs would be its best match.
        expert = Expert(name="焊接专家", owner_org_id=ids["cq_college"], natural_key="weld", field="智能制造",
                        region_code="440100", research_areas=[PRIVATE_WORD, MEMBERS_WORD, "机器视觉"],
                        description=f"研究{PRIVATE_WORD}与{MEMBERS_WORD}")
        s.add(expert)
        s.flush()
        ids.update(secret_post=post.id, weld_expert=expert.id)
        s.get(Talent, ids["fit_student"]).skills = [PRIVATE_WORD, "PLC编程"]
        create_user(s, "owner", "secret-pass", "本单位", Role.ENTERPRISE, maker.id)
        create_user(s, "other", "secret-pass", "他单位非会员", Role.ENTERPRISE, ids["food"])
        create_user(s, "lapsed", "secret-pass", "失效会员", Role.ENTERPRISE, lapsed.id)
        create_user(s, "member", "secret-pass", "会员院校", Role.COLLEGE, college.id)
        create_user(s, "student", "secret-pass", "会员院校学生", Role.STUDENT, college.id)
        create_user(s, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    ctx = get_context()
    for pool in Pool:
        rebuild_pool(ctx, pool)
    return world


def channels(client: FlaskClient, ids: dict[str, int]) -> dict[str, str]:
    """Everything a user can read, by channel name."""
    out: dict[str, str] = {}
    for word in (PRIVATE_WORD, MEMBERS_WORD, "机器视觉"):
        for pool in ("project", "internship"):
            out[f"search page {word} {pool}"] = client.get(f"/?q={word}&pool={pool}").get_data(as_text=True)
            out[f"search api {word} {pool}"] = client.get(f"/api/v1/search?q={word}&pool={pool}").get_data(as_text=True)
    for page in (1, 2, 3):
        out[f"list page {page}"] = client.get(f"/pool/project?page={page}").get_data(as_text=True)
        out[f"list api {page}"] = client.get(f"/api/v1/pools/project?page={page}").get_data(as_text=True)
    out["internship list"] = client.get("/pool/internship").get_data(as_text=True)
    for key in ("weld_expert", "vision_expert", "fit_student", "maker", "gz_college", "plc_teacher"):
        pool = {"weld_expert": "expert", "vision_expert": "expert", "fit_student": "talent", "maker": "organization",
                "gz_college": "organization", "plc_teacher": "teacher"}[key]
        out[f"detail {key}"] = client.get(f"/pool/{pool}/{ids[key]}").get_data(as_text=True)
    for direction in ("expert_projects",):
        out[f"api recs weld {direction}"] = client.get(
            f"/api/v1/recommendations/expert/{ids['weld_expert']}?direction={direction}&k=50").get_data(as_text=True)
    out["api recs student"] = client.get(
        f"/api/v1/recommendations/talent/{ids['fit_student']}?direction=talent_internships&k=50").get_data(as_text=True)
    out["api recs college"] = client.get(
        f"/api/v1/recommendations/organization/{ids['gz_college']}?direction=college_enterprises&k=50").get_data(as_text=True)
    return out


def _other_client() -> FlaskClient:
    from web import create_app

    return create_app({"TESTING": True}).test_client()


def _count(client: FlaskClient, word: str) -> int:
    return json.loads(client.get(f"/api/v1/search?q={word}&pool=achievement").get_data(as_text=True))["counts"]["project"]


@pytest.mark.parametrize("who, sees_members", [(None, False), ("other", False), ("lapsed", False),
                                               ("member", True), ("student", True)])
def test_hidden_records_reach_no_one_who_may_not_see_them(client: FlaskClient, world: World, who: str | None,
                                                         sees_members: bool) -> None:
    ids = world.ids
    if who:
        login(client, who)
    seen = channels(client, ids)
    leaks = [f"{channel}: {name}" for channel, text in seen.items() for key, name in SECRETS.items()
             if name in text and not (key == "members" and sees_members)]
    assert not leaks, "\n".join(leaks)
    # The enterprise's page asks with its needs: a hidden need must not even lend it a matched term.
    assert PRIVATE_WORD not in seen["detail maker"] and PRIVATE_WORD not in seen["api recs college"]
    assert (MEMBERS_WORD in seen["detail maker"]) <= sees_members
    for key, visible in (("private_need", False), ("members_need", sees_members)):
        for url in (f"/pool/project/{ids[key]}", f"/api/v1/pools/project/{ids[key]}",
                    f"/api/v1/recommendations/project/{ids[key]}?direction=need_experts"):
            status = client.get(url).status_code
            assert (status == 200) is visible, (url, status)
    # Counts: a hidden need counts nothing, whichever word of it is asked (a count holds the
    # records with a word of the query or close in meaning: at most the owner's figure less
    # the needs this viewer may not see — fewer when none this viewer may see has the word,
    # as meaning alone must then go further to count).
    owner = _other_client()  # of an app of its own: ``client`` keeps its last request's context
    assert login(owner, "owner").status_code == 302
    for word, hidden in ((PRIVATE_WORD, True), (MEMBERS_WORD, not sees_members)):
        expected = _count(owner, word) - 1 - (0 if sees_members else 1)
        assert _count(client, word) <= expected if hidden else _count(client, word) == expected
    # The same answer for a hidden id and for an id that does not exist.
    missing = client.get("/api/v1/pools/project/999999").get_json()
    hidden = client.get(f"/api/v1/pools/project/{ids['private_need']}").get_json()
    assert hidden["code"] == missing["code"] == "not_found" and hidden["message"].replace(str(ids["private_need"]), "N") == \
        missing["message"].replace("999999", "N")
    if who:
        csrf = token(client, "/mine")
        feedback = client.post("/api/v1/feedback", json={"direction": "expert_projects", "target_pool": "project",
                                                        "target_id": ids["private_need"], "action": "感兴趣"},
                               headers={"X-CSRFToken": csrf})
        assert feedback.status_code == 404
        assert client.get("/pool/project/export.xlsx").status_code == 403
        contact = client.post(f"/contact/project/{ids['private_need']}", data={"csrf_token": csrf, "purpose": "project",
                                                                               "message": "x"})
        assert contact.status_code == 404
        if who == "student":
            applied = client.post(f"/student/apply/{ids['secret_post']}", data={"csrf_token": csrf})
            assert applied.status_code in (400, 404)  # no profile yet, or hidden: never "已申请"


def test_the_owner_and_staff_do_see_them(client: FlaskClient, world: World) -> None:
    for who in ("owner", "staff"):
        login(client, who)
        assert SECRETS["private"] in client.get(f"/pool/project/{world.ids['private_need']}").get_data(as_text=True)
        recs = client.get(f"/api/v1/recommendations/expert/{world.ids['weld_expert']}?direction=expert_projects&k=50")
        assert SECRETS["private"] in recs.get_data(as_text=True)  # the hidden need is the expert's best match
        assert _count(client, PRIVATE_WORD) >= _count(_other_client(), PRIVATE_WORD) + 2
        client.post("/logout", data={"csrf_token": token(client, "/")})


def test_an_organization_asks_only_with_what_the_viewer_may_see(world: World) -> None:
    from matcher.engine import Viewer
    from matcher.recommend import organization_query

    with session_scope() as s:
        maker = s.get(Organization, world.ids["maker"])
        outsider = organization_query(s, maker, Viewer()).text
        member = organization_query(s, maker, Viewer(org_id=world.ids["gz_college"], member=True)).text
        insider = organization_query(s, maker, Viewer(org_id=maker.id, member=True)).text
    assert SECRETS["private"] not in outsider and SECRETS["members"] not in outsider
    assert SECRETS["private"] not in member and SECRETS["members"] in member
    assert SECRETS["private"] in insider and SECRETS["post"] in insider
