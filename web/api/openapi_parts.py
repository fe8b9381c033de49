"""The pieces every part of the OpenAPI document is made of: a parameter, the error answers, a
JSON request body, a labelled enum, a reference to a component schema."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}
LABEL = {"type": ["object", "null"], "properties": {"code": {"type": "string"}, "label": {"type": "string"}}}
ERROR_LABELS = {"400": "参数或字段错误", "401": "未登录或令牌无效", "403": "无权操作", "404": "找不到"}


def param(name: str, where: str, schema: dict[str, Any], required: bool = False, doc: str = "") -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": doc}


def errors(*codes: str) -> dict[str, Any]:
    return {c: {"description": ERROR_LABELS[c], "content": {"application/json": {"schema": ERROR}}} for c in codes}


def body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


def returns(schema: str) -> dict[str, Any]:
    """A response's content: the component schema ``schema``."""
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}
