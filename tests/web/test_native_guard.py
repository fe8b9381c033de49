"""Text that once aborted the process inside the e5 engine, through the real paths: the search
box, the search API, a record's recommendations, and a rebuild of the pool that stores it."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from flask.testing import FlaskClient

from data.db import session_scope
from data.enums import ProjectKind
from data.models import Project
from data.pools import Pool
from indexer.context import get_context
from indexer.operations import rebuild_pool
from tests.matcher.world import World, build_world
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
POISON = "ﷺ" * 20  # NFKC makes each one eighteen letters; the engine's buffer assumed at most four


@pytest.fixture
def world(live_db: str) -> World:
    world = build_world()
    with session_scope() as s:
        need = Project(name="需求" + POISON, owner_org_id=world.ids["maker"], natural_key="poison",
                       project_kind=ProjectKind.TECH_PROBLEM, description=POISON * 5)
        s.add(need)
        s.flush()
        world.ids["poison"] = need.id
    rebuild_pool(get_context(), Pool.PROJECT)  # would abort the process before the guard
    return world


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:
        yield client


def test_the_text_is_searched_and_indexed_like_any_other(client: FlaskClient, world: World) -> None:
    assert client.get("/?q=" + POISON).status_code == 200
    assert client.get("/?q=" + POISON + "&pool=project").status_code == 200
    assert client.get("/api/v1/search", query_string={"q": POISON, "pool": "project"}).status_code == 200
    page = client.get(f"/pool/project/{world.ids['poison']}")
    assert page.status_code == 200
    index = get_context().load(Pool.PROJECT)
    vector = index.vectors.vector_of(world.ids["poison"])
    assert vector is not None and np.isfinite(vector).all()
