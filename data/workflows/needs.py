"""Posting a need from a web form: a 项目库 record created by the edit form's rules
(``data.workflows.records.create_record``: validated like a spreadsheet row, published when a
member in good standing posts it, otherwise queued for review, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from data.enums import ProjectKind
from data.models import User
from data.pools import Pool
from data.workflows.records import Saved, create_record

NEED_KINDS = (ProjectKind.TECH_PROBLEM, ProjectKind.TALENT_NEED, ProjectKind.TRAINING_NEED,
              ProjectKind.COOPERATION_NEED, ProjectKind.HORIZONTAL)
# The form's inputs, named by their column header (see data.sheets.columns).
NEED_FIELDS = ("名称", "项目类型", "需求描述", "行业领域", "地区", "所需技能", "预算（万元）", "截止日期", "可见范围")
_KIND = "项目类型"


def create_need(session: Session, user: User, form: Any) -> Saved:
    """Validate and save a need of the user's organization; errors by field header."""
    if user.org is None:
        return Saved(None, {"名称": "账号未关联单位，不能发布需求"})
    typed = {h: form.get(h) or "" for h in NEED_FIELDS}
    try:
        kind = ProjectKind.parse(typed[_KIND].strip()) if typed[_KIND].strip() else None
    except ValueError:
        kind = None  # the record's validation names the problem
    if kind is not None and kind not in NEED_KINDS:
        return Saved(None, {_KIND: "请选择需求类型"})
    return create_record(session, user, Pool.PROJECT, typed)
