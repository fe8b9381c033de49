"""The registry of matching directions (matcher/directions/__init__.py): every direction is
complete, each record gets the directions its pool and kind call for, and the keys are the
ones feedback is stored by."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from data.enums import OrgKind, ProjectKind, TeacherKind
from data.models import Achievement, Expert, Internship, Organization, PoolRecord, Project, Talent, Teacher
from data.workflows.feedback import DIRECTION_KEYS
from matcher import directions
from matcher.directions import REGISTRY, directions_for

ROOT = Path(__file__).resolve().parents[2]


def test_every_direction_is_complete() -> None:
    assert REGISTRY
    for key, direction in REGISTRY.items():
        assert direction.key == key
        assert direction.label and not direction.label.isascii()  # a Chinese panel title
        assert callable(direction.run) and callable(direction.applies)


def test_the_keys_are_feedbacks() -> None:
    assert sorted(REGISTRY) == sorted(DIRECTION_KEYS)


def test_get() -> None:
    assert directions.get("need_experts") is REGISTRY["need_experts"]
    assert directions.get("bogus") is None


@pytest.mark.parametrize(("record", "keys"), [
    (Project(project_kind=ProjectKind.TECH_PROBLEM), ["need_experts", "need_achievements"]),
    (Project(project_kind=ProjectKind.CO_BUILT_COURSE), ["need_experts", "need_achievements", "course_teachers"]),
    (Project(project_kind=ProjectKind.TRAINING_NEED), ["need_experts", "need_achievements", "course_teachers"]),
    (Achievement(), ["achievement_enterprises"]),
    (Organization(kind=OrgKind.ENTERPRISE), ["enterprise_colleges"]),
    (Organization(kind=OrgKind.COLLEGE), ["college_enterprises"]),
    (Organization(kind=OrgKind.INDUSTRY_COLLEGE), ["college_enterprises"]),
    (Organization(kind=OrgKind.INSTITUTE), ["college_enterprises"]),
    (Organization(kind=OrgKind.ASSOCIATION), []),
    (Internship(), ["internship_talents"]),
    (Talent(), ["talent_internships"]),
    (Teacher(teacher_kind=TeacherKind.FULL_TIME), ["teacher_enterprises", "teacher_projects"]),
    (Teacher(teacher_kind=TeacherKind.ENTERPRISE_PART_TIME), ["teacher_projects"]),
    (Expert(), ["expert_projects"]),
])
def test_directions_for_each_kind_of_record(record: PoolRecord, keys: list[str]) -> None:
    assert [d.key for d in directions_for(record)] == keys


def test_only_two_sided_directions_need_a_stored_record() -> None:
    assert {k for k, d in REGISTRY.items() if d.needs_record} == {"internship_talents", "talent_internships"}
    assert {k for k, d in REGISTRY.items() if d.proposes_practice} == {"teacher_enterprises"}


def test_no_template_names_a_direction_key() -> None:
    """Templates read what a direction does from the registry passed in, never by its key."""
    for path in sorted((ROOT / "web" / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        named = [key for key in REGISTRY if key in text]
        assert not named, f"{path.name} names {named}"


def test_each_direction_file_declares_what_the_registry_lists() -> None:
    """One file per recipe: each module of the package other than the shared ones declares at
    least one registered :class:`Direction`."""
    shared = {"__init__", "common", "direction", "two_sided"}
    folder = ROOT / "matcher" / "directions"
    registered = {d.run.__module__ for d in REGISTRY.values()}
    for path in sorted(folder.glob("*.py")):
        if path.stem in shared:
            continue
        assert f"matcher.directions.{path.stem}" in registered, f"{path.name} registers no direction"
        assert any(isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Direction"
                   for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


def test_only_enterprises_colleges_and_staff_run_a_direction_that_recommends_students() -> None:
    """A 人才库 record is a student's own profile: the directions recommending from it are closed
    to students, experts and visitors, and only those."""
    from data.enums import Role
    from data.models import User
    from data.pools import Pool

    students = {k for k, d in REGISTRY.items() if Pool.TALENT in d.targets}
    assert students == {"internship_talents"}
    for role in Role:
        closed = {k for k, d in REGISTRY.items() if not d.open_to(User(role=role))}
        assert closed == (students if role in (Role.STUDENT, Role.EXPERT) else set()), role
    assert {k for k, d in REGISTRY.items() if not d.open_to(None)} == students
