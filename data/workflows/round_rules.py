"""A 双选 round's settings as staff type them, checked: its name, method, most choices, floor,
deadlines and hard rules — 场地容量 (site caps: region code → the most students the round's posts
in that region take together), 本校名额 (the most students of one school placed), the quota of one
school at one enterprise, and the 学徒岗位 share (an upper bound). ``data.workflows.rounds`` stores
them; ``matcher.placement`` hands them to the engine (``site_of`` says which site a post counts
against)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from data.enums import RoundMethod
from data.errors import FieldError
from data.reference.regions import resolve_region
from data.sheets.rows import typed_text

MAX_CHOICES_LIMIT = 20


class RoundError(FieldError):
    pass


MAX_SITE_CAPS = 200


def parse_site_caps(given: Mapping[str, object] | str | None) -> dict[str, int]:
    """场地容量 as typed: a mapping of place → most students (the API's object), or lines of
    「广州市 5」 / 「440100：5」 (the form); a place is a GB/T 2260 code or a name the region table
    resolves. The places must not overlap (a province and one of its cities), since a post counts
    against one site. Returns region code → cap."""
    if given is None:
        return {}
    if isinstance(given, str):
        pairs: list[tuple[str, object]] = []
        for line in given.replace("\r", "").split("\n"):
            line = line.strip()
            if not line:
                continue
            head, _, typed_cap = line.replace("：", " ").replace(":", " ").replace("=", " ").rpartition(" ")
            if not head.strip():
                raise RoundError("site_caps", f"场地容量「{line[:40]}」应写成「地点 人数」，如「广州市 5」")
            pairs.append((head.strip(), typed_cap))
    else:
        pairs = list(given.items())
    if len(pairs) > MAX_SITE_CAPS:
        raise RoundError("site_caps", f"场地容量最多 {MAX_SITE_CAPS} 项")
    caps: dict[str, int] = {}
    for place, cap in pairs:
        try:
            code = resolve_region(str(place))
        except ValueError as exc:
            raise RoundError("site_caps", f"场地容量：{exc}") from None
        text = str(cap).strip()
        if isinstance(cap, bool) or not text.isdigit() or int(text) > 100000:
            raise RoundError("site_caps", f"场地容量「{str(place)[:40]}」的人数应为 0 到 100000 的整数：{text[:20]}")
        if code in caps:
            raise RoundError("site_caps", f"场地容量中「{str(place)[:40]}」重复")
        caps[code] = int(text)
    for code in caps:
        for other in caps:
            if other != code and in_region(code, frozenset({other})):
                raise RoundError("site_caps", f"场地容量中的地点 {code} 位于 {other} 之内，每个岗位只能计入一个地点")
    return caps


def in_region(code: str | None, wishes: frozenset[str]) -> bool:
    """Whether ``code`` lies within one of the GB/T 2260 regions ``wishes`` (a province code covers
    its cities and districts, a city code its districts); an unknown place lies in none."""
    if not code:
        return False
    for wish in wishes:
        prefix = wish[:2] if wish.endswith("0000") else wish[:4] if wish.endswith("00") else wish
        if code.startswith(prefix):
            return True
    return False


def site_of(region_code: str | None, site_caps: Mapping[str, object]) -> str | None:
    """The place of ``site_caps`` a post at ``region_code`` counts against (None: none)."""
    return next((code for code in sorted(site_caps) if in_region(region_code, frozenset({code}))), None)


@dataclass(frozen=True)
class RoundSettings:
    """What staff set on a round (its name, method and rules, deadlines), checked."""

    name: str
    method: RoundMethod
    max_choices: int
    floor: float | None
    apprentice_share: float | None
    school_quota: int | None
    school_total: int | None
    site_caps: dict[str, int]
    student_deadline: dt.datetime | None
    enterprise_deadline: dt.datetime | None


def round_settings(name: str, *, method: str = "stable", max_choices: int = 5, floor: float | None = None,
                   apprentice_share: float | None = None, school_quota: int | None = None,
                   school_total: int | None = None, site_caps: Mapping[str, object] | str | None = None,
                   student_deadline: dt.datetime | None = None,
                   enterprise_deadline: dt.datetime | None = None) -> RoundSettings:
    name = typed_text(name, "name", "请填写轮次名称，如「2027届暑期实习双选」", max_len=200, error=RoundError)
    try:
        chosen_method = RoundMethod.parse(method)
    except ValueError as exc:
        raise RoundError("method", f"分配方式{exc}") from None
    if not 1 <= max_choices <= MAX_CHOICES_LIMIT:
        raise RoundError("max_choices", f"志愿数应在 1 到 {MAX_CHOICES_LIMIT} 之间")
    if floor is not None and not 0 <= floor <= 1:
        raise RoundError("floor", "匹配分下限应在 0 到 1 之间")
    if apprentice_share is not None and not 0 <= apprentice_share <= 1:
        raise RoundError("apprentice_share", "学徒岗比例应在 0 到 1 之间")
    if school_quota is not None and school_quota < 0:
        raise RoundError("school_quota", "学校在一家企业的名额不能为负数")
    if school_total is not None and school_total < 0:
        raise RoundError("school_total", "每所学校的名额不能为负数")
    return RoundSettings(name, chosen_method, max_choices, floor, apprentice_share, school_quota, school_total,
                         parse_site_caps(site_caps), student_deadline, enterprise_deadline)
