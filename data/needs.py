"""Posting a need from a web form, validated exactly like a 项目库 spreadsheet row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import ProjectKind, Status
from data.keys import natural_key
from data.models import Project, User
from data.pools import Pool
from data.rows import validate_form

NEED_KINDS = (ProjectKind.TECH_PROBLEM, ProjectKind.TALENT_NEED, ProjectKind.TRAINING_NEED,
              ProjectKind.COOPERATION_NEED, ProjectKind.HORIZONTAL)
# The form's inputs, named by their column header (see data.columns).
NEED_FIELDS = ("名称", "项目类型", "需求描述", "行业领域", "地区", "所需技能", "预算（万元）", "截止日期", "可见范围")


def create_need(session: Session, user: User, form: Any) -> tuple[Project | None, dict[str, str]]:
    """Validate and save a need of the user's organization; errors by field header."""
    if user.org is None:
        return None, {"名称": "账号未关联单位，不能发布需求"}
    attrs, problems = validate_form(Pool.PROJECT, form, NEED_FIELDS, {"发布单位": user.org.name})
    if not problems and attrs["project_kind"] not in NEED_KINDS:
        problems = {"项目类型": "请选择需求类型"}
    if problems:
        return None, problems
    key = natural_key(attrs["name"], user.org.name, None)
    if session.scalar(select(Project.id).where(Project.natural_key == key)) is not None:
        return None, {"名称": "本单位已发布过同名需求，请修改名称"}
    attrs.update(owner_org_id=user.org_id, status=Status.PUBLISHED, source=f"web:{user.username}")
    project = Project(natural_key=key, **{k: v for k, v in attrs.items() if v is not None})
    session.add(project)
    session.flush()
    return project, {}
