"""The OpenAPI 3.1 document of ``/api/v1``."""

from __future__ import annotations

from typing import Any

from data.pools import Pool
from matcher.recommend import DIRECTIONS

ERROR = {"$ref": "#/components/schemas/Error"}


def _param(name: str, where: str, schema: dict[str, Any], required: bool = False, doc: str = "") -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": doc}


POOL = _param("pool_name", "path", {"type": "string", "enum": [p.value for p in Pool]}, True, "资源库")
RECORD_ID = _param("record_id", "path", {"type": "integer", "minimum": 1}, True, "记录编号")


def _responses(ok: str) -> dict[str, Any]:
    return {"200": {"description": ok, "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"description": "参数错误", "content": {"application/json": {"schema": ERROR}}},
            "404": {"description": "找不到", "content": {"application/json": {"schema": ERROR}}}}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "产教通 API", "version": "1.0.0", "description": "产教融合供需对接平台的资源库、检索与推荐接口"},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/pools/{pool_name}": {"get": {"summary": "资源库列表", "operationId": "listPool", "parameters": [
                POOL, _param("page", "query", {"type": "integer", "minimum": 1, "maximum": 100000}),
                _param("field", "query", {"type": "string"})], "responses": _responses("记录列表")}},
            "/pools/{pool_name}/{record_id}": {"get": {"summary": "记录详情", "operationId": "getRecord",
                                                       "parameters": [POOL, RECORD_ID], "responses": _responses("记录")}},
            "/search": {"get": {"summary": "检索", "operationId": "search", "parameters": [
                _param("q", "query", {"type": "string", "minLength": 1, "maxLength": 200}, True, "检索内容"),
                _param("pool", "query", {"type": "string", "enum": [p.value for p in Pool]}),
                _param("page", "query", {"type": "integer", "minimum": 1, "maximum": 1000}),
                _param("field", "query", {"type": "string"})], "responses": _responses("检索结果")}},
            "/recommendations/{pool_name}/{record_id}": {"get": {"summary": "智能推荐", "operationId": "recommend", "parameters": [
                POOL, RECORD_ID, _param("direction", "query", {"type": "string", "enum": sorted(DIRECTIONS)}, True, "推荐方向"),
                _param("k", "query", {"type": "integer", "minimum": 1, "maximum": 50})], "responses": _responses("推荐结果，含得分构成与理由")}},
            "/feedback": {"post": {"summary": "对推荐的反馈", "operationId": "feedback", "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Feedback"}}}},
                "responses": {"201": {"description": "已记录"}, "400": {"description": "参数错误", "content": {"application/json": {"schema": ERROR}}},
                              "401": {"description": "未登录", "content": {"application/json": {"schema": ERROR}}}}}},
            "/jobs/{job_id}": {"get": {"summary": "后台任务进度", "operationId": "jobStatus",
                                       "parameters": [_param("job_id", "path", {"type": "string"}, True)], "responses": _responses("任务进度")}},
        },
        "security": [{}, {"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "chanjiao token create 用户名"}},
                       "schemas": {
            "Error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string", "description": "中文说明"},
                "field": {"type": "string", "description": "出错的字段"}}},
            "Feedback": {"type": "object", "required": ["direction", "target_pool", "target_id", "action"], "properties": {
                "direction": {"type": "string", "enum": sorted(DIRECTIONS)},
                "target_pool": {"type": "string", "enum": [p.value for p in Pool]},
                "target_id": {"type": "integer"}, "action": {"type": "string", "enum": ["感兴趣", "不合适", "已联系", "已合作"]},
                "reason": {"type": "string", "enum": ["领域不符", "地区太远", "资历不够", "已有合作", "其他"]}}},
        }},
    }
