"""Posting a need from a web form, validated by the same row schema as spreadsheet imports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.columns import columns_of
from data.enums import ProjectKind, Status
from data.keys import natural_key
from data.models import Project, User
from data.pools import Pool
from data.rows import validate_row

NEED_KINDS = (ProjectKind.TECH_PROBLEM, ProjectKind.TALENT_NEED, ProjectKind.TRAINING_NEED,
              ProjectKind.COOPERATION_NEED, ProjectKind.HORIZONTAL)
# The form's fields, by their column header (see data.columns).
NEED_FIELDS = ("名称", "项目类型", "需求描述", "行业领域", "地区", "所需技能", "预算（万元）", "截止日期", "可见范围")


def create_need(session: Session, user: User, form: dict[str, Any]) -> tuple[Project | None, dict[str, str]]:
    """Validate and save a need of the user's organization; errors by field header."""
    if user.org_id is None:
        return None, {"名称": "账号未关联单位，不能发布需求"}
    raw = {h: (form.get(h) or "").strip() for h in NEED_FIELDS}
    raw["发布单位"] = user.org.name if user.org else ""
    values, errors = validate_row(Pool.PROJECT, raw)
    problems = dict(errors)
    if not problems and values["project_kind"] not in NEED_KINDS:
        problems["项目类型"] = "请选择需求类型"
    if problems:
        return None, problems
    key = natural_key(values["name"], raw["发布单位"], None)
    if session.scalar(select(Project.id).where(Project.natural_key == key)) is not None:
        return None, {"名称": "本单位已发布过同名需求，请修改名称"}
    attrs = {c.attr: values[c.attr] for c in columns_of(Pool.PROJECT) if c.attr in values and values[c.attr] is not None}
    attrs.update(owner_org_id=user.org_id, status=Status.PUBLISHED, source=f"web:{user.username}")
    project = Project(natural_key=key, **attrs)
    session.add(project)
    session.flush()
    return project, {}
