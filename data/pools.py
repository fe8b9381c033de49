"""The one pool vocabulary used in URLs, tables, index folders and tests."""

from __future__ import annotations

import enum


class Pool(str, enum.Enum):
    """A shared resource pool (资源库) of the alliance."""

    EXPERT = "expert"
    TEACHER = "teacher"
    PROJECT = "project"
    ACHIEVEMENT = "achievement"
    TALENT = "talent"
    INTERNSHIP = "internship"
    ORGANIZATION = "organization"

    @property
    def label(self) -> str:
        return POOL_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> "Pool":
        """Accept the English name or the Chinese label (专家库, 专家…)."""
        text = text.strip()
        for pool in cls:
            if text in (pool.value, pool.label, pool.label.removesuffix("库")):
                return pool
        raise ValueError(f"未知的资源库「{text}」，可选：{', '.join(p.value for p in cls)}")


POOL_LABELS = {
    Pool.EXPERT: "专家库",
    Pool.TEACHER: "师资库",
    Pool.PROJECT: "项目库",
    Pool.ACHIEVEMENT: "成果库",
    Pool.TALENT: "人才库",
    Pool.INTERNSHIP: "岗位库",
    Pool.ORGANIZATION: "组织库",
}
