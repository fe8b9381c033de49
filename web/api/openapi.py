"""The OpenAPI 3.1 document of ``/api/v1``."""

from __future__ import annotations

from typing import Any

from data.enums import ActivityUnit, AgreementKind, ApplicationRejection, EducationLevel, MailMode, NotificationKind
from data.pools import Pool
from matcher.directions import REGISTRY
from web.api.openapi_allocation import ALLOCATION_PATHS, ALLOCATION_SCHEMAS
from web.api.openapi_parts import ERROR, LABEL
from web.api.openapi_parts import body as _body
from web.api.openapi_parts import errors as _errors
from web.api.openapi_parts import param as _param
from web.boundary import MAX_ID, MAX_K, MAX_LIST_PAGE, MAX_SEARCH_PAGE

POOL = _param("pool_name", "path", {"type": "string", "enum": [p.value for p in Pool]}, True, "资源库")
RECORD_ID = _param("record_id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, True, "记录编号")


def _responses(ok: str) -> dict[str, Any]:
    return {"200": {"description": ok, "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"description": "参数错误", "content": {"application/json": {"schema": ERROR}}},
            "404": {"description": "找不到", "content": {"application/json": {"schema": ERROR}}}}


RECORD_BODY = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordInput"}}}}
SAVED = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Saved"}}}}
AGREEMENT = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Agreement"}}}}
ACTIVITY = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Activity"}}}}
AGREEMENT_ID = _param("agreement_id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, True, "合作记录编号")
JOB = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobStarted"}}}}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _inbox_paths() -> dict[str, Any]:
    """The inbox, its e-mail settings and subscriptions (the caller's own; a login or token)."""
    kinds = [k.value for k in NotificationKind]
    modes = {"type": "string", "enum": [m.value for m in MailMode]}
    page = _param("page", "query", {"type": "integer", "minimum": 1, "maximum": 1000})
    return {
        "/notifications": {"get": {"summary": "我的消息（最新在前）", "operationId": "listNotifications", "parameters": [
            _param("kind", "query", {"type": "string", "enum": kinds}, False, "消息类型"), page,
            _param("unread", "query", {"type": "string", "enum": ["1", "true"]}, False, "只看未读")],
            "responses": {**_responses("消息列表"), **_errors("401")}}},
        "/notifications/read": {"post": {"summary": "标为已读（省略 ids 时全部）", "operationId": "markNotificationsRead",
            "requestBody": _json_body({"type": "object", "properties": {"ids": {"type": "array", "maxItems": 500, "items": {
                "type": "integer", "minimum": 1, "maximum": MAX_ID}}}}),
            "responses": {**_responses("已标为已读的条数"), **_errors("401")}}},
        "/notification-settings": {
            "get": {"summary": "邮件设置", "operationId": "getNotificationSettings", "responses": {**_responses("设置"), **_errors("401")}},
            "put": {"summary": "保存邮件设置（每种消息：立即发送、每日汇总或不发邮件）", "operationId": "saveNotificationSettings",
                    "requestBody": _json_body({"type": "object", "properties": {
                        "email": {"type": "string", "maxLength": 120, "description": "空字符串：不接收邮件"},
                        "modes": {"type": "object", "propertyNames": {"enum": kinds}, "additionalProperties": modes}}}),
                    "responses": {**_responses("保存后的设置"), **_errors("401")}}},
        "/subscriptions": {
            "get": {"summary": "我的订阅", "operationId": "listSubscriptions", "responses": {**_responses("订阅"), **_errors("401")}},
            "post": {"summary": "订阅新匹配：一个检索（q、pool），或本单位/本人的一条记录的某个推荐方向（source_pool、source_id、direction）",
                     "operationId": "subscribe", "requestBody": _json_body({"type": "object", "properties": {
                         "q": {"type": "string", "maxLength": 200}, "pool": {"type": "string", "enum": [p.value for p in Pool]},
                         "source_pool": {"type": "string", "enum": [p.value for p in Pool]},
                         "source_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                         "direction": {"type": "string", "enum": sorted(REGISTRY)},
                         "min_score": {"type": "number", "minimum": 0, "maximum": 100}}}),
                     "responses": {"201": {"description": "已订阅", "content": {"application/json": {"schema": {"type": "object"}}}},
                                   **_errors("400", "401", "403", "404")}}},
        "/subscriptions/{subscription_id}": {"delete": {"summary": "取消订阅", "operationId": "unsubscribe", "parameters": [
            _param("subscription_id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, True)],
            "responses": {"204": {"description": "已取消"}, **_errors("401", "404")}}},
    }


APPLICATION_ID = _param("application_id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, True, "申请编号")
APPLICATION = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Application"}}}}


def _step(summary: str, operation: str, body: dict[str, Any] | None, status: str = "200",
          ok: dict[str, Any] = APPLICATION) -> dict[str, Any]:
    step: dict[str, Any] = {"summary": summary, "operationId": operation, "parameters": [APPLICATION_ID],
                            "responses": {status: {"description": "已处理", **ok}, **_errors("400", "401", "403", "404")}}
    if body is not None:
        step["requestBody"] = body
    return step


# 岗位申请: the student's and the posting organization's steps (data/workflows/students.py TRANSITIONS).
APPLICATION_PATHS: dict[str, Any] = {
    "/applications": {
        "get": {"summary": "我的岗位申请（学生：本人的申请；企业：本单位岗位收到的申请，每个岗位内按双向匹配度排序）",
                "operationId": "listApplications", "parameters": [
                    _param("internship_id", "query", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, False, "只看该岗位"),
                    _param("major", "query", {"type": "string", "maxLength": 100}, False, "专业包含"),
                    _param("level", "query", {"type": "string", "enum": [*(e.value for e in EducationLevel),
                                                                         *(e.label for e in EducationLevel)]}, False, "学历层次"),
                    _param("city", "query", {"type": "string", "maxLength": 100}, False, "期望城市或所在地区，如 广州")],
                "responses": {"200": {"description": "申请列表", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["side", "total", "items"], "properties": {
                        "side": {"type": "string", "enum": ["student", "org"]}, "total": {"type": "integer"},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Application"}},
                        "notice": {"type": ["string", "null"]}}}}}}, **_errors("400", "401")}},
        "post": {"summary": "学生申请岗位（附求职信；当前个人资料作为简历随申请保存）", "operationId": "applyToInternship",
                 "requestBody": _body({"internship_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                       "cover_letter": {"type": "string", "maxLength": 3000}}, ["internship_id"]),
                 "responses": {"201": {"description": "已投递", **APPLICATION}, **_errors("400", "401", "403", "404")}}},
    "/applications/{application_id}": {"get": {
        "summary": "一份申请及其留言（企业打开即标记为已查看）", "operationId": "getApplication", "parameters": [APPLICATION_ID],
        "responses": {"200": {"description": "申请", **APPLICATION}, **_errors("400", "401", "404")}}},
    "/applications/{application_id}/interview": {"post": _step(
        "面试邀请（企业；再次发送即改期）", "inviteToInterview",
        _body({"interview_at": {"type": "string", "description": "日期时间，如 2026-07-01T14:30（不带时区即北京时间）"},
               "interview_place": {"type": "string", "maxLength": 200, "description": "地点，线上面试写「线上」并附会议链接"},
               "interview_note": {"type": "string", "maxLength": 2000}}, ["interview_at", "interview_place"]))},
    "/applications/{application_id}/decision": {"post": _step(
        "录用或未录用（企业；录用不能超过岗位名额）", "decideApplication",
        _body({"accept": {"type": "boolean"},
               "reason": {"type": "string", "enum": [*(e.value for e in ApplicationRejection),
                                                     *(e.label for e in ApplicationRejection)],
                          "description": "未录用原因"},
               "note": {"type": "string", "maxLength": 2000}}, ["accept"]))},
    "/applications/{application_id}/offer": {"post": _step(
        "接受录用或放弃（学生本人）", "answerOffer", _body({"accept": {"type": "boolean"}}, ["accept"]))},
    "/applications/{application_id}/withdraw": {"post": _step("撤回申请（学生本人，企业作出决定前）", "withdrawApplication", None)},
    "/applications/{application_id}/messages": {"post": _step(
        "给对方留言", "postApplicationMessage", _body({"text": {"type": "string", "minLength": 1, "maxLength": 2000}}, ["text"]),
        "201", {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApplicationMessage"}}}})},
}
APPLICATION_SCHEMAS: dict[str, Any] = {
    "Application": {"type": "object", "required": ["id", "side", "status", "internship", "talent", "actions"], "properties": {
        "id": {"type": "integer"}, "side": {"type": "string", "enum": ["student", "org"], "description": "调用者是哪一方"},
        "status": {**LABEL, "description": "已投递、已查看、面试邀请、已录用、未录用、已接受、已放弃、已撤回"},
        "internship": {"type": "object"}, "talent": {"type": "object"},
        "created_at": {"type": "string"}, "updated_at": {"type": "string"}, "cover_letter": {"type": "string"},
        "resume": {"type": "object", "description": "投递时的个人资料（不含联系方式）",
                   "additionalProperties": {"type": "string"}},
        "interview": {"type": ["object", "null"], "properties": {"at": {"type": "string"}, "place": {"type": "string"},
                                                                 "note": {"type": "string"}}},
        "decision": {"type": ["object", "null"], "properties": {"reason": LABEL, "note": {"type": "string"},
                                                                "decided_at": {"type": "string"}}},
        "fit": {"type": ["object", "null"], "description": "双向匹配度（企业查看列表时；未进入匹配排名为 null）",
                "properties": {"score": {"type": "number"}, "parts": {"type": "object"},
                               "reasons": {"type": "array", "items": {"type": "string"}}}},
        "actions": {"type": "array", "description": "调用者现在可以做的操作",
                    "items": {"type": "string", "enum": ["interview", "accept", "reject", "withdraw", "confirm",
                                                         "decline", "message"]}},
        "messages": {"type": "array", "items": {"$ref": "#/components/schemas/ApplicationMessage"}}}},
    "ApplicationMessage": {"type": "object", "required": ["id", "from_student", "text"], "properties": {
        "id": {"type": "integer"}, "from_student": {"type": "boolean"}, "text": {"type": "string"},
        "author": {"type": ["string", "null"]}, "created_at": {"type": ["string", "null"]}}},
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "产教通 API", "version": "1.0.0", "description": "产教融合供需对接平台的资源库、检索与推荐接口。"
                 "机器客户端用 API 令牌（Authorization: Bearer）；用浏览器登录状态调用会修改数据的接口时，"
                 "须在请求头 X-CSRFToken 中附上页面的安全令牌"},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/pools/{pool_name}": {
                "get": {"summary": "资源库列表", "operationId": "listPool", "parameters": [
                    POOL, _param("page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_LIST_PAGE}),
                    _param("field", "query", {"type": "string"})], "responses": _responses("记录列表")},
                "post": {"summary": "新建记录（本单位；会员单位直接发布，否则待审核）", "operationId": "createRecord",
                         "parameters": [POOL], "requestBody": RECORD_BODY,
                         "responses": {"201": {"description": "已保存", **SAVED}, **_errors("400", "401", "403", "404")}}},
            "/pools/{pool_name}/{record_id}": {
                "get": {"summary": "记录详情", "operationId": "getRecord", "parameters": [POOL, RECORD_ID],
                        "responses": _responses("记录")},
                "patch": {"summary": "修改记录（只需给出要改的字段；已发布记录的修改经秘书处审核后生效）",
                          "operationId": "updateRecord", "parameters": [POOL, RECORD_ID], "requestBody": RECORD_BODY,
                          "responses": {"200": {"description": "已保存或已提交审核", **SAVED},
                                        **_errors("400", "401", "403", "404")}},
                "delete": {"summary": "删除记录（内容保留在审计日志中）", "operationId": "deleteRecord",
                           "parameters": [POOL, RECORD_ID],
                           "responses": {"204": {"description": "已删除"}, **_errors("400", "401", "403", "404")}}},
            "/imports/{pool_name}": {"post": {
                "summary": "批量导入 Excel/CSV（秘书处；后台执行，新记录进入审核队列）", "operationId": "startImport",
                "parameters": [POOL], "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": ".xlsx 或 .csv，表头同导入模板"}}}}}},
                "responses": {"202": {"description": "已开始，按 job_id 查询进度", **JOB}, **_errors("400", "401", "403", "404")}}},
            "/reindex/{pool_name}": {"post": {
                "summary": "重建资源库索引（秘书处；后台执行）", "operationId": "startReindex", "parameters": [POOL],
                "responses": {"202": {"description": "已开始", **JOB}, **_errors("401", "403", "404")}}},
            "/search": {"get": {"summary": "检索", "operationId": "search", "parameters": [
                _param("q", "query", {"type": "string", "minLength": 1, "maxLength": 200}, True, "检索内容"),
                _param("pool", "query", {"type": "string", "enum": [p.value for p in Pool]}, False,
                       "展示哪个库的结果；省略时为最佳匹配得分最高的库（与网站相同）"),
                _param("page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH_PAGE}),
                _param("field", "query", {"type": "string"}),
                _param("region", "query", {"type": "string", "maxLength": 12}, False, "地区编码前缀，如 44（广东）、4401（广州）")],
                "responses": _responses("检索结果")}},
            **_inbox_paths(),
            "/recommendations/{pool_name}/{record_id}": {"get": {"summary": "智能推荐（推荐人才库学生档案的方向仅限企业、院校用户与秘书处）", "operationId": "recommend", "parameters": [
                POOL, RECORD_ID, _param("direction", "query", {"type": "string", "enum": sorted(REGISTRY)}, True, "推荐方向"),
                _param("k", "query", {"type": "integer", "minimum": 1, "maximum": MAX_K})], "responses": {
                    **_responses("推荐结果，含得分构成与理由"), **_errors("403")}}},
            "/feedback": {"post": {"summary": "对推荐的反馈", "operationId": "feedback", "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Feedback"}}}},
                "responses": {"201": {"description": "已记录"}, "400": {"description": "参数错误", "content": {"application/json": {"schema": ERROR}}},
                              "401": {"description": "未登录", "content": {"application/json": {"schema": ERROR}}},
                              **_errors("403", "404")}}},
            "/agreements": {
                "get": {"summary": "合作记录列表（合作双方、涉及本人可见；秘书处可见全部）", "operationId": "listAgreements",
                        "responses": {"200": {"description": "合作记录，含已确认的活动合计", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["total", "items"], "properties": {
                                "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Agreement"}}}}}}},
                                      **_errors("401")}},
                "post": {"summary": "记录合作（本单位为一方，另一方填 partner_id 或 enterprise_id；秘书处两者都填）",
                         "operationId": "createAgreement", "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"$ref": "#/components/schemas/AgreementInput"}}}},
                         "responses": {"201": {"description": "已记录，已通知对方", **AGREEMENT}, **_errors("400", "401", "403")}}},
            "/agreements/{agreement_id}": {"get": {
                "summary": "合作记录详情与活动登记", "operationId": "getAgreement", "parameters": [AGREEMENT_ID],
                "responses": {"200": {"description": "合作记录（含 activities）", **AGREEMENT}, **_errors("401", "404")}}},
            "/agreements/from/{source}/{source_id}": {"post": {
                "summary": "据学生已接受的录用、企业已接受的实践推荐或已同意的联系申请建立合作记录（联系申请须给出 kind 与 title）",
                "operationId": "createAgreementFrom", "parameters": [
                    _param("source", "path", {"type": "string", "enum": ["application", "proposal", "contact"]}, True, "来源"),
                    _param("source_id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, True, "来源编号")],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AgreementInput"}}}},
                "responses": {"201": {"description": "已建立", **AGREEMENT}, **_errors("400", "401", "403", "404")}}},
            "/agreements/{agreement_id}/activities": {"post": {
                "summary": "登记活动（授课课时、实践人月、实习人月、培训人日），等待对方确认", "operationId": "logActivity",
                "parameters": [AGREEMENT_ID], "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ActivityInput"}}}},
                "responses": {"201": {"description": "已登记", **ACTIVITY}, **_errors("400", "401", "403", "404")}}},
            "/activities/{activity_id}/answer": {"post": {
                "summary": "确认对方登记的活动，或提出异议（须说明原因）", "operationId": "answerActivity",
                "parameters": [_param("activity_id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, True, "活动登记编号")],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["confirm"], "properties": {
                        "confirm": {"type": "boolean"}, "note": {"type": "string", "maxLength": 2000}}}}}},
                "responses": {"200": {"description": "已答复", **ACTIVITY}, **_errors("400", "401", "403", "404")}}},
            "/agreements/{agreement_id}/close": {"post": {
                "summary": "结束合作（合作双方或秘书处）", "operationId": "closeAgreement", "parameters": [AGREEMENT_ID],
                "responses": {"200": {"description": "已结束", **AGREEMENT}, **_errors("401", "403", "404")}}},
            "/jobs/{job_id}": {"get": {"summary": "后台任务进度", "operationId": "jobStatus",
                                       "parameters": [_param("job_id", "path", {"type": "string"}, True)],
                                       "responses": {**_responses("任务进度（仅秘书处或发起人可查看）"), **_errors("401")}}},
            **APPLICATION_PATHS,
            **ALLOCATION_PATHS,
        },
        "security": [{}, {"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "chanjiao token create 用户名"}},
                       "schemas": {
            "RecordInput": {"type": "object", "description": "键为导入模板的列名（如 名称、行业领域、截止日期）或字段名（name、field、deadline）；"
                            "列表可写成数组或用顿号分隔，枚举写中文标签，日期写 2026-12-31",
                            "additionalProperties": {"type": ["string", "number", "boolean", "array", "null"]}},
            "Saved": {"type": "object", "required": ["outcome", "message", "item"], "properties": {
                "outcome": {"type": "string", "enum": ["published", "pending", "updated", "revision", "resubmitted", "unchanged"]},
                "message": {"type": "string"}, "item": {"type": "object"}}},
            "JobStarted": {"type": "object", "required": ["job_id", "status_url"], "properties": {
                "job_id": {"type": "string"}, "status_url": {"type": "string"}}},
            "Error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string", "description": "中文说明"},
                "field": {"type": "string", "description": "出错的字段"},
                "errors": {"type": "object", "description": "表单校验时，每个出错字段的说明",
                           "additionalProperties": {"type": "string"}}}},
            "AgreementInput": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": [k.value for k in AgreementKind], "description": "合作类型（代码或中文标签）"},
                "title": {"type": "string", "maxLength": 200}, "enterprise_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "partner_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
                "amount_wan": {"type": ["number", "string", "null"], "description": "金额（万元），仅横向课题、技术转让等有金额的类型"},
                "note": {"type": "string", "maxLength": 2000}}},
            "ActivityInput": {"type": "object", "required": ["unit", "quantity", "period_start", "period_end"], "properties": {
                "unit": {"type": "string", "enum": [u.value for u in ActivityUnit]},
                "quantity": {"type": ["number", "string"], "description": "正数，如 2 或 1.5"},
                "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"},
                "note": {"type": "string", "maxLength": 2000}}},
            "Agreement": {"type": "object", "required": ["id", "kind", "title", "enterprise", "partner", "status"], "properties": {
                "id": {"type": "integer"}, "kind": {"type": "object"}, "title": {"type": "string"},
                "enterprise": {"type": "object"}, "partner": {"type": "object"}, "person": {"type": ["object", "null"]},
                "source": {"type": ["object", "null"]}, "start_date": {"type": ["string", "null"]},
                "end_date": {"type": ["string", "null"]}, "amount_wan": {"type": ["number", "null"]},
                "note": {"type": "string"}, "status": {"type": "object"},
                "confirmed": {"type": "object", "description": "已确认的活动合计，键为计量单位代码",
                              "additionalProperties": {"type": "number"}},
                "activities": {"type": "array", "items": {"$ref": "#/components/schemas/Activity"}}}},
            "Activity": {"type": "object", "required": ["id", "agreement_id", "unit", "quantity", "status"], "properties": {
                "id": {"type": "integer"}, "agreement_id": {"type": "integer"}, "unit": {"type": "object"},
                "quantity": {"type": "number"}, "period_start": {"type": "string"}, "period_end": {"type": "string"},
                "note": {"type": "string"}, "status": {"type": "object"}, "answer_note": {"type": "string"}}},
            "Feedback": {"type": "object", "required": ["direction", "target_pool", "target_id", "action"], "properties": {
                "direction": {"type": "string", "enum": sorted(REGISTRY)},
                "target_pool": {"type": "string", "enum": [p.value for p in Pool]},
                "target_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "action": {"type": "string", "enum": ["感兴趣", "不合适", "已联系", "已合作"]},
                "reason": {"type": "string", "enum": ["领域不符", "地区太远", "资历不够", "已有合作", "其他"]},
                "source_pool": {"type": "string", "enum": [p.value for p in Pool],
                                "description": "推荐结果所针对的记录（如需求）所在的库；与 source_id 同时给出，仅该记录所属单位、本人或秘书处可用"},
                "source_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}},
            **APPLICATION_SCHEMAS,
            **ALLOCATION_SCHEMAS,
        }},
    }
