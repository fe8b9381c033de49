"""What a matching direction is: the record each direction file declares and the registry
(:mod:`matcher.directions`) collects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from data.access import RECOMMENDED_ONLY_TO, may_be_recommended
from data.models import PoolRecord, User
from data.pools import Pool
from indexer.context import IndexContext
from matcher.engine import Match, Viewer
from matcher.query import MatchQuery


class Runner(Protocol):
    """A direction's ranking function: the top ``k`` matches for ``query``."""

    def __call__(self, session: Session, ctx: IndexContext, query: MatchQuery, *,
                 viewer: Viewer | None = None, k: int = 10) -> list[Match]: ...


def any_record(record: PoolRecord) -> bool:
    """Every record of a direction's source pool may ask it."""
    return True


@dataclass(frozen=True)
class Direction:
    """One matching direction, as the web layer, the API and feedback see it."""

    key: str  # stored in ``Feedback.direction``; listed in ``data.workflows.feedback.DIRECTION_KEYS``
    label: str  # Chinese panel title
    source: Pool  # the pool of the record that asks
    run: Runner
    applies: Callable[[PoolRecord], bool] = any_record  # which records of ``source`` may ask it
    needs_record: bool = False  # two-sided: only a stored record (``query.source``) can ask, never free text
    proposes_practice: bool = False  # a teacher may propose a 企业实践 placement at each match
    targets: tuple[Pool, ...] = field(kw_only=True)  # the pools of the records it recommends

    def open_to(self, user: User | None) -> bool:
        """Whether ``user`` (None: anonymous) may run this direction: every pool it recommends
        from may be recommended to them (``data.access.may_be_recommended``)."""
        return all(may_be_recommended(user, pool) for pool in self.targets)

    def refusal(self, user: User | None) -> str:
        """Why ``user`` may not run this direction, in Chinese (for a 403)."""
        closed = [pool for pool in self.targets if not may_be_recommended(user, pool)]
        roles = dict.fromkeys(role for pool in closed for role in RECOMMENDED_ONLY_TO[pool])
        allowed = "、".join(role.label for role in roles) + "和秘书处"
        pools = "、".join(pool.label for pool in closed)
        if user is None:
            return f"「{self.label}」推荐的是{pools}中的个人档案，请以{allowed}的账号登录后查看"
        return f"{user.role.label}账号不能查看「{self.label}」：{pools}中的个人档案只推荐给{allowed}"
