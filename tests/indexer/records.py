"""Small committed fixtures for indexing tests."""

from __future__ import annotations

from typing import Any

from data.db import session_scope
from data.pools import Pool
from indexer.search import search
from tests.makers import make_achievement, make_organization

POOL = Pool.ACHIEVEMENT  # the pool the indexing tests fill

ACHIEVEMENTS = {
    "视觉": ("基于深度学习的金属表面缺陷视觉检测方法", "利用卷积神经网络对冲压件表面划痕进行在线检测，检出率高。"),
    "发酵": ("低盐酱油快速发酵工艺", "优化米曲霉制曲与发酵温度，缩短酱油发酵周期。"),
    "区块链": ("基于区块链的农产品质量溯源平台", "将种植、加工、物流数据上链，实现农产品全程可追溯。"),
}


def add_org(name: str = "示例理工大学") -> int:
    """Commit a college; its id."""
    with session_scope() as session:
        return make_organization(session, name).id


def add_achievement(org_id: int, key: str, **kw: Any) -> int:
    """Commit the achievement ``ACHIEVEMENTS[key]`` of ``org_id`` (智能制造); its id."""
    title, text = ACHIEVEMENTS[key]
    with session_scope() as session:
        return make_achievement(session, org_id, title, description=text, field="智能制造", **kw).id


def ids_for(text: str, **kw: Any) -> list[int]:
    """The ids of the first ten achievements ``search`` finds for ``text``."""
    return [h.id for h in search(POOL, text, 10, **kw).hits]
