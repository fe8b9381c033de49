"""Small committed fixtures for indexing tests."""

from __future__ import annotations

from typing import Any

from data.db import session_scope
from data.enums import AchievementKind, OrgKind
from data.keys import natural_key
from data.models import Achievement, Organization

ACHIEVEMENTS = {
    "视觉": ("基于深度学习的金属表面缺陷视觉检测方法", "利用卷积神经网络对冲压件表面划痕进行在线检测，检出率高。"),
    "发酵": ("低盐酱油快速发酵工艺", "优化米曲霉制曲与发酵温度，缩短酱油发酵周期。"),
    "区块链": ("基于区块链的农产品质量溯源平台", "将种植、加工、物流数据上链，实现农产品全程可追溯。"),
}


def add_org(name: str = "示例理工大学") -> int:
    with session_scope() as session:
        org = Organization(name=name, kind=OrgKind.COLLEGE, natural_key=natural_key(name, None, None))
        session.add(org)
        session.flush()
        return org.id


def add_achievement(org_id: int, key: str, **kw: Any) -> int:
    title, text = ACHIEVEMENTS[key]
    with session_scope() as session:
        record = Achievement(name=title, description=text, owner_org_id=org_id, field="智能制造",
                             achievement_kind=AchievementKind.TECHNOLOGY,
                             natural_key=natural_key(title, str(org_id), None), **kw)
        session.add(record)
        session.flush()
        return record.id
