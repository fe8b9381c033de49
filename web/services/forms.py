"""What the services read off a posted form: a list typed as words, a number that is blank
(None), or finite and within its range, and a date and time typed in China time — otherwise a
Chinese error naming the field (400)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from data.errors import FieldError, Malformed

CHINA = ZoneInfo("Asia/Shanghai")

_SPLIT = re.compile(r"[\s,，、;；]+")


def words(text: object) -> list[str]:
    """The words of a typed list (ids or names), split at spaces and Chinese or Latin commas; a
    list (as a JSON body sends it) is taken item by item."""
    if isinstance(text, (list, tuple)):
        return [str(t).strip() for t in text if str(t).strip()]
    return [t for t in _SPLIT.split(str(text or "").strip()) if t]


def number(form: Mapping[str, Any], name: str, label: str, kind: type[int] | type[float] = float,
           low: float | None = None, high: float | None = None) -> Any:
    """The form's number ``name`` as ``kind`` (an int must be whole: 「5.0」 is 5), None when blank
    or absent; a JSON body's number is read the same way (its 0 is a zero, not a blank)."""
    given = form.get(name)
    text = "" if given is None else str(given).strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise FieldError(name, f"{label}应为{'整数' if kind is int else '数字'}：{text[:20]}") from None
    if not math.isfinite(value) or (kind is int and value != int(value)) \
            or (low is not None and value < low) or (high is not None and value > high):
        between = f"应在 {low:g} 到 {high:g} 之间" if low is not None and high is not None else "超出范围"
        raise FieldError(name, f"{label}{between}{'的整数' if kind is int else ''}：{text[:20]}")
    return int(value) if kind is int else value


def moment(form: Mapping[str, Any], name: str, label: str) -> dt.datetime | None:
    """The form's date and time ``name`` (China time unless it names its zone) in UTC, None when blank."""
    text = str(form.get(name) or "").strip()
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text[:40])
        # Year 1 in China time is before the first moment UTC can hold: an OverflowError, not a 500.
        return (when.replace(tzinfo=CHINA) if when.tzinfo is None else when).astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise Malformed(name, f"{label}「{text[:40]}」应为日期时间，如 2027-06-30T18:00") from None
