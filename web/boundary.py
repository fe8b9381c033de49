"""The one place where request input is checked before a view or the database sees it.

- Integers (page, k, ids, …): ASCII digits only, within bounds, else 400 naming the parameter.
  ``str.isdigit()`` also accepts ``²`` and ``٣``, which ``int()`` refuses or reads as a digit, and
  an unbounded number overflows the databases' integers; one parser here is used by every route.
- Pool names: one parser, 404 for a path segment, 400 naming the field for a form or query field.
- NUL characters in query strings, form fields, file names, path segments, the Authorization
  header and JSON strings: PostgreSQL cannot store them, so every request carrying one is
  refused with 400 naming the field.
- JSON bodies: at most ``MAX_JSON_BYTES`` and ``MAX_JSON_DEPTH`` levels of nesting, checked by
  the app's JSON provider for every ``get_json`` (the decoder itself recursed until a
  RecursionError, which no caller caught: a 500).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from data.access import MAX_ID
from data.pools import Pool
from web.errors import AppError

MAX_LIST_PAGE = 100_000  # a pool list of a million records at 10 a page
# Search pages rank page × 10 candidates, so their depth is bounded tighter than a list's.
MAX_SEARCH_PAGE = 1000
MAX_K = 50  # recommendations per request
MAX_JSON_BYTES = 1024 * 1024  # a record with a 10,000-character description is ~50 KB
MAX_JSON_DEPTH = 32  # no body of the API nests more than three levels

_DIGITS = re.compile(r"[0-9]{1,20}")


def parse_int(value: object, name: str, *, high: int, low: int = 1, message: str | None = None) -> int:
    """An integer sent by a client (query, form or JSON): a JSON integer, or ASCII digits with
    optional surrounding spaces, within ``low``–``high``. Anything else is a 400 naming ``name``."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None or not low <= number <= high:
        raise AppError(400, message or f"参数「{name}」应为 {low} 到 {high} 之间的整数", name)
    return number


def parse_id(value: object, name: str, message: str | None = None) -> int:
    """A record id (form field, query parameter or JSON member): 1 to ``MAX_ID``."""
    return parse_int(value, name, high=MAX_ID, message=message or f"「{name}」应为正整数编号")


def arg_int(name: str, default: int, *, high: int, low: int = 1) -> int:
    """The integer query parameter ``name`` (``default`` when absent or left empty)."""
    raw = request.args.get(name, "")
    return default if raw.strip() == "" else parse_int(raw, name, low=low, high=high)


def arg_id(name: str) -> int | None:
    """An optional id in the query string (a filter): None when absent or empty."""
    raw = request.args.get(name, "")
    return None if raw.strip() == "" else parse_id(raw, name)


def form_id(name: str, message: str | None = None) -> int:
    """A record id posted in the form field ``name`` (``message``: the 400's text, if not the default)."""
    return parse_id(request.form.get(name, ""), name, message)


def body_text(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A text member of a JSON body: a string, or None when absent (400 naming it when
    ``required``). A number, list, object or boolean is a 400 naming the member — never stored
    as its Python spelling (「{'a': 1}」, 「None」)."""
    value = body.get(name)
    if value is None:
        if required:
            raise AppError(400, f"「{name}」：必填", name)
        return None
    if not isinstance(value, str):
        raise AppError(400, f"「{name}」：应为文字", name)
    return value


def parse_pool(text: object, field: str | None = None) -> Pool:
    """A pool by its English name or Chinese label. Unknown in a URL path: 404; in a form or query
    field ``field``: 400 naming it."""
    if field and text is not None and not isinstance(text, str):
        raise AppError(400, f"参数「{field}」：应为资源库名称（文字），可选：{', '.join(p.value for p in Pool)}", field)
    try:
        return Pool.parse(text if isinstance(text, str) else "")
    except ValueError as exc:
        if field:
            raise AppError(400, f"参数「{field}」：{exc}", field) from exc
        raise AppError(404, str(exc), "pool") from exc


def json_depth(value: Any) -> int:
    """Nesting depth of a decoded JSON value (a scalar is 0, ``[]`` is 1), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth + 1)
            stack.extend((member, depth + 1) for member in (item.values() if isinstance(item, dict) else item))
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies larger than ``MAX_JSON_BYTES`` (413) or nested deeper than
    ``MAX_JSON_DEPTH`` (400), in Chinese. The decoder guards its own recursion with
    RecursionError (raised cleanly, at the interpreter's limit); that and any depth past ours
    become the same 400, so no caller ever sees either."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if len(s) > MAX_JSON_BYTES:
            raise AppError(413, f"JSON 请求体不能超过 {MAX_JSON_BYTES // 1024} KB", "body", code="too_large")
        try:
            value = super().loads(s, **kwargs)
            if json_depth(value) <= MAX_JSON_DEPTH:
                return value
        except RecursionError:
            pass
        raise AppError(400, f"JSON 嵌套层数不能超过 {MAX_JSON_DEPTH} 层", "body")


def _json_strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every (field, text) in a JSON value, keys included, by iteration (the depth is bounded,
    but a wide body must not cost a frame per member)."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, field = stack.pop()
        if isinstance(item, str):
            yield field, item
        elif isinstance(item, dict):
            for key, member in item.items():
                name = key if field == "body" else field
                yield name, key
                stack.append((member, name))
        elif isinstance(item, list):
            stack.extend((member, field) for member in item)


def _texts() -> Iterator[tuple[str, str]]:
    """Every piece of text a request carries into the application, with the field it is in."""
    for key, value in request.args.items(multi=True):
        yield key, key
        yield key, value
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str):
            yield key, value
    yield "Authorization", request.headers.get("Authorization", "")
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            yield key, key
            yield key, value
        for key, upload in request.files.items(multi=True):
            yield key, upload.filename or ""
    if request.is_json and request.content_length != 0:
        if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
            raise AppError(413, f"JSON 请求体不能超过 {MAX_JSON_BYTES // 1024} KB", "body", code="too_large")
        yield from _json_strings(request.get_json(silent=True), "body")


def reject_nul() -> None:
    """Refuse any request with a NUL character in what it sends (400 naming the field)."""
    for field, text in _texts():
        if isinstance(text, str) and "\x00" in text:
            field = str(field or "").replace("\x00", "\\x00")[:100]
            raise AppError(400, f"「{field}」中含有不允许的空字符（\\x00），请删除后重试", field)


def init_app(app: Flask) -> None:
    """Install the JSON limits and the NUL check for every request (after the body-size check)."""
    old = app.json
    app.json = BoundedJSONProvider(app)
    for option in ("ensure_ascii", "sort_keys", "compact", "mimetype"):
        setattr(app.json, option, getattr(old, option))
    app.before_request(reject_nul)
