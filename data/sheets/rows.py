"""Row validation: one pydantic model per pool, built from ``data.sheets.columns``.

Errors come back in Chinese, keyed by the column header, so the importer can say
``第N行 「列名」: 原因``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache, partial
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from data.errors import FieldError
from data.pools import Pool
from data.reference.regions import resolve_region
from data.sheets.columns import DATE_RANGES, Column, Kind, columns_of

_LIST_SPLIT = re.compile(r"[,，、;；|\n]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_TRUE = {"是", "y", "yes", "true", "1", "√", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无"}


def parse_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_list(value: Any, max_items: int = 50, max_len: int = 100) -> list[str]:
    """Items split on 、，; and the like, de-duplicated in order: at most ``max_items`` of at most
    ``max_len`` characters each (the column's limits; see ``data.sheets.columns``)."""
    if isinstance(value, (list, tuple)):
        items = [parse_text(v) for v in value]
    else:
        items = [part.strip() for part in _LIST_SPLIT.split(parse_text(value))]
    seen: dict[str, None] = {}
    for item in items:
        if item:
            if len(item) > max_len:
                raise ValueError(f"单项「{item[:20]}…」超过 {max_len} 个字")
            seen.setdefault(item, None)
            if len(seen) > max_items:
                count = len(set(filter(None, items)))
                raise ValueError(f"最多填写 {max_items} 项，现有 {count} 项")
    return list(seen)


# A phone as people write it, spaces, dashes and brackets taken out: a mobile number (11 digits
# from 1; the second digit is not checked, as new series keep being issued), a number with its
# area code (0 + 2–3 digits, then 7–8, an extension after a dash), a 400/800 service number, or
# an international number with its country code.
_PHONE = re.compile(r"(?:\+?86)?1\d{10}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|[48]00-?\d{3}-?\d{4}|\+(?!86)\d{6,15}")
_PHONE_NOISE = re.compile(r"[\s()（）]")
_EMAIL = re.compile(r"[^@\s,，;；<>()\[\]]+@[^@\s.,，;；<>()\[\]]+(\.[^@\s.,，;；<>()\[\]]+)+")


def parse_phone(value: Any) -> str:
    """A phone number (mobile, with area code, 400/800 or international), as written (trimmed,
    full-width digits made ASCII); anything else is a ValueError saying what is expected."""
    text = unicodedata.normalize("NFKC", parse_text(value))
    compact = _PHONE_NOISE.sub("", text)
    if not _PHONE.fullmatch(compact) and not _PHONE.fullmatch(compact.replace("-", "")):
        raise ValueError(f"「{text[:30]}」不是有效的电话号码：手机号 11 位（如 13800000000），座机带区号（如 020-12345678）")
    return text


def parse_email(value: Any) -> str:
    """An e-mail address (one, without spaces), as written; else a ValueError."""
    text = unicodedata.normalize("NFKC", parse_text(value))
    if not _EMAIL.fullmatch(text):
        raise ValueError(f"「{text[:60]}」不是有效的邮箱地址，如 name@example.com")
    return text


def parse_choice(value: Any, choices: tuple[str, ...], header: str) -> str:
    """One of a closed vocabulary (``Column.choices``), else a ValueError listing them."""
    text = parse_text(value)
    if text not in choices:
        raise ValueError(f"「{text[:20]}」不是平台的{header}，应为以下之一：{'、'.join(choices)}")
    return text


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = parse_text(value)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"「{text}」不是日期，应写成 2026-07-01")


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = parse_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"「{text}」应为 是 或 否")


def _annotation(column: Column) -> Any:
    """The pydantic type of one column."""
    constraints: dict[str, Any] = {}
    if column.kind in (Kind.INT, Kind.FLOAT):
        if column.min_value is not None:
            constraints["ge"] = column.min_value
        if column.max_value is not None:
            constraints["le"] = column.max_value
        base: Any = int if column.kind is Kind.INT else float
        return Annotated[base, Field(strict=False, **constraints)]
    if column.kind is Kind.TEXT and column.choices:
        return Annotated[str, BeforeValidator(partial(parse_choice, choices=column.choices, header=column.header))]
    if column.kind is Kind.TEXT or column.kind is Kind.ORG:
        return Annotated[str, BeforeValidator(parse_text), Field(min_length=1, max_length=column.max_len)]
    if column.kind in (Kind.PHONE, Kind.EMAIL):
        check = parse_phone if column.kind is Kind.PHONE else parse_email
        return Annotated[str, BeforeValidator(check), Field(min_length=1, max_length=column.max_len)]
    if column.kind is Kind.LIST:
        return Annotated[list[str], BeforeValidator(partial(parse_list, max_items=column.max_items,
                                                            max_len=column.max_len))]
    if column.kind is Kind.DATE:
        return Annotated[dt.date, BeforeValidator(parse_date)]
    if column.kind is Kind.BOOL:
        return Annotated[bool, BeforeValidator(parse_bool)]
    if column.kind is Kind.REGION:
        return Annotated[str, BeforeValidator(lambda v: resolve_region(parse_text(v)))]
    if column.kind is Kind.ENUM:
        assert column.enum is not None
        cls = column.enum
        return Annotated[cls, BeforeValidator(lambda v: cls.parse(parse_text(v)))]
    raise AssertionError(column.kind)


@lru_cache(maxsize=None)
def row_model(pool: Pool) -> type[BaseModel]:
    """The pydantic model validating one spreadsheet row of ``pool`` (keys are headers)."""
    fields: dict[str, Any] = {}
    for column in columns_of(pool):
        annotation = _annotation(column)
        if column.required:
            fields[column.attr] = (annotation, Field(alias=column.header))
        else:
            fields[column.attr] = (annotation | None, Field(default=None, alias=column.header))
    return create_model(
        f"{pool.value.title()}Row",
        __config__=ConfigDict(extra="ignore", str_strip_whitespace=True),
        **fields,
    )


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_row(pool: Pool, raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validate one row given as {header: cell}.

    Returns ``(values by attribute, [])`` on success, ``({}, [(header, 原因), …])`` otherwise.
    Blank cells count as not filled in.
    """
    present = {k: v for k, v in raw.items() if not _is_blank(v)}
    try:
        model = row_model(pool).model_validate(present)
    except ValidationError as exc:
        return {}, [(str(err["loc"][0]) if err["loc"] else "", _chinese(err)) for err in exc.errors()]
    values = model.model_dump()
    for column in columns_of(pool):
        if column.kind is Kind.LIST and values[column.attr] is None:
            values[column.attr] = []
    if pool in DATE_RANGES:
        start, end = DATE_RANGES[pool]
        if values.get(start) and values.get(end) and values[end] < values[start]:
            headers = {c.attr: c.header for c in columns_of(pool)}
            return {}, [(headers[end], f"不能早于「{headers[start]}」")]
    return values, []


def validate_form(pool: Pool, form: Any, fields: tuple[str, ...], fixed: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a web form whose inputs are named by column headers, exactly like a spreadsheet
    row. ``fixed`` fills columns the user does not type (their organization). Returns the
    attributes of the submitted columns (blank ones as None) and errors by header."""
    raw = {h: (form.get(h) or "").strip() for h in fields} | fixed
    values, errors = validate_row(pool, raw)
    if errors:
        return {}, dict(errors)
    return {c.attr: values[c.attr] for c in columns_of(pool) if c.header in raw}, {}


def typed_text(value: str | None, field: str, missing: str, *, max_len: int = 2000, min_len: int = 1,
               error: type[FieldError] = FieldError) -> str:
    """Text typed into a box (a message, a reason, materials): trimmed, at least ``min_len``
    characters (else ``missing``) and at most ``max_len``; errors (of the caller's ``error``
    class) name the field."""
    text = (value or "").strip()
    if len(text) < min_len:
        raise error(field, missing)
    if len(text) > max_len:
        raise error(field, f"不能超过 {max_len} 个字")
    return text


def _chinese(err: Any) -> str:
    """Translate one pydantic error into a short Chinese reason."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return "必填，不能为空"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"「{err['input']}」应为整数"
    if kind in ("float_parsing", "float_type"):
        return f"「{err['input']}」应为数字"
    if kind == "greater_than_equal":
        return f"不能小于 {_num(ctx['ge'])}"
    if kind == "less_than_equal":
        return f"不能大于 {_num(ctx['le'])}"
    if kind in ("string_too_long", "too_long"):
        return f"不能超过 {ctx.get('max_length')} 个字"
    if kind == "string_too_short":
        return "必填，不能为空"
    return f"格式不正确（{err['msg']}）"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
