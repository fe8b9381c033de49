"""The OpenAPI paths and schemas of batch allocation: 双选 rounds (``/rounds``), review panels
(``/panels``, ``/panel-seats``) and 双选会 events (``/fairs``)."""

from __future__ import annotations

from typing import Any

from data.enums import FairStatus, PanelStatus, RoundMark, RoundMethod, RoundStatus, SeatStatus
from data.workflows.fairs import MAX_SEATS
from data.workflows.panels import MAX_LOAD, MAX_PANEL_SIZE
from data.workflows.round_rules import MAX_CHOICES_LIMIT
from web.api.openapi_parts import LABEL, body, errors, param, returns
from web.boundary import MAX_ID

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
IDS = {"type": "array", "items": ID, "maxItems": 5000}
MOMENT = {"type": "string", "description": "日期时间，如 2027-06-30T18:00（不带时区即北京时间）"}


def _id(name: str, doc: str) -> dict[str, Any]:
    return param(name, "path", ID, True, doc)


def _op(summary: str, operation: str, ok: dict[str, Any], *, params: tuple[dict[str, Any], ...] = (),
        request: dict[str, Any] | None = None, status: str = "200", codes: tuple[str, ...] = ("400", "401", "403", "404"),
        ) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "operationId": operation, "parameters": list(params),
                          "responses": {status: {"description": summary, **ok}, **errors(*codes)}}
    if request is not None:
        op["requestBody"] = request
    return op


def _enum(kind: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [*(e.value for e in kind), *(e.label for e in kind)]}


def _list(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"type": "object", "required": ["total", "items"], "properties": {
        "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}}}}}}


ROUND_ID = _id("round_id", "双选轮次编号")
BATCH_ID = _id("batch_id", "评审批次编号")
SEAT_ID = _id("seat_id", "评审席位（邀请）编号")
EVENT_ID = _id("event_id", "双选会编号")
POST_ID = _id("internship_id", "岗位编号")


def _round_step(action: str, summary: str) -> dict[str, Any]:
    return {"post": _op(summary, f"{action}Round", returns("RoundDetail"), params=(ROUND_ID,))}


def _panel_step(action: str, summary: str) -> dict[str, Any]:
    return {"post": _op(summary, f"{action}Panel", returns("PanelDetail"), params=(BATCH_ID,))}


ROUND_BODY: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 200},
    "internship_ids": {**IDS, "description": "已发布岗位，名额取岗位招收人数减去已录用（含已接受）的人数"},
    "talent_ids": {**IDS, "description": "人才库学生"}, "method": _enum(RoundMethod),
    "max_choices": {"type": "integer", "minimum": 1, "maximum": MAX_CHOICES_LIMIT, "default": 5},
    "floor": {"type": "number", "minimum": 0, "maximum": 100, "description": "匹配度下限（0–100）"},
    "apprentice_share": {"type": "number", "minimum": 0, "maximum": 1,
                         "description": "学徒岗位比例上限：学徒岗位合计最多 学生数 × 比例（向下取整）人"},
    "school_quota": {"type": "integer", "minimum": 0, "description": "一所学校在一家企业的名额"},
    "school_total": {"type": "integer", "minimum": 0, "description": "每所学校在本轮最多安置的人数（本校名额）"},
    "site_caps": {"type": "object", "description": "场地容量：键为地区代码或名称（如 440100、广州市），值为该地所有岗位合计最多的人数；地点不得相互包含",
                  "additionalProperties": {"type": "integer", "minimum": 0}},
    "student_deadline": MOMENT, "enterprise_deadline": MOMENT}

ROUND_PATHS: dict[str, Any] = {
    "/rounds": {
        "get": _op("双选轮次（秘书处：全部；学生：本人参加的；企业：有本单位岗位的；草稿仅秘书处可见）", "listRounds",
                   _list("Round"), codes=("401",)),
        "post": _op("新建双选轮次（秘书处；草稿）", "createRound", returns("Round"), status="201",
                    request=body(ROUND_BODY, ["name", "internship_ids", "talent_ids"]))},
    "/rounds/{round_id}": {
        "get": _op("双选轮次详情与安置结果（秘书处）：已安置者的匹配度与志愿序号，未安置者的原因与最接近的备选岗位，各项指标",
                   "getRound", returns("RoundDetail"), params=(ROUND_ID,), codes=("401", "403", "404")),
        "put": _op("修改双选轮次（秘书处，仅草稿；整体替换，未给出的成员取默认值；已开放填报则 400，field 为 status）",
                   "updateRound", returns("RoundDetail"), params=(ROUND_ID,),
                   request=body(ROUND_BODY, ["name", "internship_ids", "talent_ids"]))},
    "/rounds/{round_id}/open": _round_step("open", "开放填报（草稿 → 开放填报，通知学生）"),
    "/rounds/{round_id}/close": _round_step("close", "截止填报（开放填报 → 填报截止）"),
    "/rounds/{round_id}/run": _round_step("run", "运行分配（填报截止 → 已分配；已分配时重新运行）"),
    "/rounds/{round_id}/publish": _round_step("publish", "发布结果（已分配 → 已发布：通知学生与企业，已安置学生获得录用）"),
    "/rounds/{round_id}/choices": {
        "get": _op("我的志愿与结果（学生本人；尚未填报时按双向匹配度给出建议；发布后为安置结果或未安置原因与备选岗位）",
                   "getRoundChoices", returns("RoundChoices"), params=(ROUND_ID,), codes=("401", "403", "404")),
        "put": _op("保存志愿（学生本人，开放填报期间；按志愿顺序给出岗位编号，空数组清空）", "saveRoundChoices",
                   returns("RoundChoices"), params=(ROUND_ID,), request=body(
                       {"choices": {"type": "array", "items": ID, "maxItems": MAX_CHOICES_LIMIT}}, ["choices"]))},
    "/rounds/{round_id}/marks": {"get": _op("本单位岗位的申请人与标记（企业；先列出把该岗位填为志愿的学生）", "getRoundMarks",
                                            returns("RoundMarks"), params=(ROUND_ID,), codes=("401", "403", "404"))},
    "/rounds/{round_id}/marks/{internship_id}": {"put": _op(
        "标记申请人（岗位所属企业，开放填报期间）：优先、可接受、不接受；null 或空字符串清除标记（视为可接受）", "saveRoundMarks",
        returns("RoundMarks"), params=(ROUND_ID, POST_ID), request=body({"marks": {
            "type": "object", "description": "键为学生（人才库）编号", "propertyNames": {"pattern": "^[0-9]{1,9}$"},
            "additionalProperties": {"anyOf": [_enum(RoundMark), {"type": "null"}]}}}, ["marks"]))},
}

PANEL_PATHS: dict[str, Any] = {
    "/panels": {
        "get": _op("评审批次（秘书处）", "listPanels", _list("Panel"), codes=("401", "403")),
        "post": _op("新建评审批次（秘书处；草稿）", "createPanel", returns("Panel"), status="201", request=body({
            "name": {"type": "string", "maxLength": 200}, "project_ids": {**IDS, "description": "已发布的需求"},
            "achievement_ids": {**IDS, "description": "已发布的成果"},
            "panel_size": {"type": "integer", "minimum": 1, "maximum": MAX_PANEL_SIZE, "default": 5},
            "max_load": {"type": "integer", "minimum": 1, "maximum": MAX_LOAD, "default": 10},
            "criteria": {"type": "array", "items": {"type": "string", "maxLength": 50}, "maxItems": 10,
                         "description": "评审指标，默认 创新性、可行性、转化前景"}}, ["name"]))},
    "/panels/{batch_id}": {"get": _op("评审批次详情（秘书处）：每项的评审组（匹配度、理由、覆盖与缺少的领域、缺额原因）、指标与评分汇总",
                                      "getPanel", returns("PanelDetail"), params=(BATCH_ID,), codes=("401", "403", "404"))},
    "/panels/{batch_id}/run": _panel_step("run", "运行专家分配（草稿 → 已分配；已分配时重新运行）"),
    "/panels/{batch_id}/invite": _panel_step("invite", "发送邀请（已分配 → 已邀请，通知专家）"),
    "/panels/{batch_id}/finish": _panel_step("finish", "结束评审（评分中 → 已结束）"),
    "/panels/{batch_id}/seats/{seat_id}/refill": {"post": _op(
        "补充被谢绝的席位（由最合适的合格专家补上，其他席位不变）", "refillPanelSeat", returns("PanelDetail"),
        params=(BATCH_ID, SEAT_ID))},
    "/panel-seats": {"get": _op("我的评审（专家本人）：邀请、状态与已给出的评分", "listPanelSeats", _list("PanelSeat"),
                                codes=("401", "403"))},
    "/panel-seats/{seat_id}/answer": {"post": _op("接受或谢绝评审邀请（专家本人）", "answerPanelSeat", returns("PanelSeat"),
                                                  params=(SEAT_ID,), request=body({"accept": {"type": "boolean"}}, ["accept"]))},
    "/panel-seats/{seat_id}/conflict": {"post": _op(
        "申报回避（专家本人；该邀请随之谢绝，此后不再为该评审对象推荐本人）", "declarePanelConflict", returns("PanelSeat"),
        params=(SEAT_ID,), request=body({"note": {"type": "string", "minLength": 1, "maxLength": 500}}, ["note"]))},
    "/panel-seats/{seat_id}/scores": {"put": _op(
        "提交评分（专家本人，已接受的邀请；每个评审指标 0–100，重新提交即修改）", "scorePanelSeat", returns("PanelSeat"),
        params=(SEAT_ID,), request=body({
            "scores": {"type": "object", "description": "键为评审指标名称", "additionalProperties": {
                "type": "number", "minimum": 0, "maximum": 100}},
            "comment": {"type": "string", "maxLength": 2000}}, ["scores"]))},
}

FAIR_PATHS: dict[str, Any] = {
    "/fairs": {"get": _op("双选会（登录用户；草稿仅秘书处可见）", "listFairs", _list("Fair"), codes=("401",))},
    "/fairs/{event_id}": {"get": _op("双选会详情：报名岗位（按企业）、剩余名额；学生本人的报名，企业本单位的报名岗位与可报名岗位",
                                     "getFair", returns("FairDetail"), params=(EVENT_ID,), codes=("401", "404"))},
    "/fairs/{event_id}/results": {"get": _op("现场结果（双选轮次发布后：各企业岗位录用的学生，只显示姓氏与学校）",
                                             "getFairResults", returns("FairResults"), params=(EVENT_ID,), codes=("401", "404"))},
    "/fairs/{event_id}/register": {"post": _op("学生报名（报名中、截止前、名额未满；每人一次）", "registerForFair",
                                               returns("FairDetail"), params=(EVENT_ID,))},
    "/fairs/{event_id}/withdraw": {"post": _op("学生取消报名（签到前）", "withdrawFromFair", returns("FairDetail"),
                                               params=(EVENT_ID,))},
    "/fairs/{event_id}/posts": {"post": _op(
        "企业报名本单位已发布的岗位（招收人数默认取岗位的招收人数）", "registerFairPost", returns("FairPost"), status="201",
        params=(EVENT_ID,), request=body({"internship_id": ID, "seats": {"type": "integer", "minimum": 1,
                                                                          "maximum": MAX_SEATS}}, ["internship_id"]))},
    "/fairs/{event_id}/posts/{internship_id}/withdraw": {"post": _op(
        "企业撤回岗位（本单位签到前；撤回最后一个岗位即退出双选会）", "withdrawFairPost", returns("FairDetail"),
        params=(EVENT_ID, POST_ID))},
    "/fairs/{event_id}/checkin": {"post": _op(
        "签到或取消签到（秘书处；报名中或进行中）", "checkInAtFair",
        {"content": {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}},
        params=(EVENT_ID,), request=body({
            "kind": {"type": "string", "enum": ["student", "enterprise"]},
            "record_id": {**ID, "description": "学生的人才库编号，或企业的单位编号"},
            "undo": {"type": "boolean", "default": False}}, ["kind", "record_id"]))},
}

ALLOCATION_PATHS: dict[str, Any] = {**ROUND_PATHS, **PANEL_PATHS, **FAIR_PATHS}

_POST = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                    "organization": {"type": "object"}}}
_STUDENT = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                             "school": {"type": "string"}, "major": {"type": ["string", "null"]}}}
_SEATS = {"type": "array", "items": {"type": "object", "properties": {"internship": _POST, "seats": {"type": "integer"}}}}
_FIGURES = {"type": "object", "description": "指标：键为代码，值为 {label, value}",
            "additionalProperties": {"type": "object", "properties": {"label": {"type": "string"}, "value": {}}}}


def _status(kind: Any) -> dict[str, Any]:
    return {**LABEL, "description": "、".join(e.label for e in kind)}


ALLOCATION_SCHEMAS: dict[str, Any] = {
    "Round": {"type": "object", "required": ["id", "name", "status", "method"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "status": _status(RoundStatus), "method": LABEL,
        "max_choices": {"type": "integer"}, "floor": {"type": ["number", "null"], "description": "匹配度下限（0–100）"},
        "apprentice_share": {"type": ["number", "null"]}, "school_quota": {"type": ["integer", "null"]},
        "school_total": {"type": ["integer", "null"]},
        "site_caps": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "地区代码 → 人数"},
        "student_deadline": {"type": ["string", "null"]}, "enterprise_deadline": {"type": ["string", "null"]}}},
    "Outcome": {"type": "object", "description": "一名学生的结果：安置的岗位（未安置为 null）与匹配度（0–100）、志愿序号，或未安置原因与最接近的备选岗位",
                "properties": {"talent": _STUDENT, "internship": _POST, "score": {"type": ["number", "null"]},
                               "rank": {"type": ["integer", "null"]}, "reason": {"type": ["string", "null"]},
                               "alternatives": {"type": "array", "items": {"type": "object", "properties": {
                                   "internship_id": {"type": ["integer", "null"]}, "name": {"type": "string"},
                                   "score": {"type": "number"}, "why_not": {"type": "string"}}}}}},
    "RoundDetail": {"allOf": [{"$ref": "#/components/schemas/Round"}, {"type": "object", "properties": {
        "message": {"type": "string", "description": "操作的结果（仅操作接口）"}, "posts": _SEATS,
        "students": {"type": "array", "items": _STUDENT}, "chose": {"type": "integer", "description": "已填报志愿的学生数"},
        "placed": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
        "unplaced": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
        "figures": {**_FIGURES, "description": "安置率（placed_share，0–1）、平均志愿序号、企业侧平均排名、阻塞对数、嫉妒对数、总匹配分"}}}]},
    "RoundChoices": {"allOf": [{"$ref": "#/components/schemas/Round"}, {"type": "object", "properties": {
        "posts": _SEATS, "choices": {"type": "array", "items": {"type": "integer"}},
        "suggested": {"type": "array", "items": {"type": "integer"}, "description": "尚未填报时按双向匹配度建议的志愿"},
        "prefilled": {"type": "boolean"}, "result": {"anyOf": [{"$ref": "#/components/schemas/Outcome"}, {"type": "null"}]}}}]},
    "RoundMarks": {"allOf": [{"$ref": "#/components/schemas/Round"}, {"type": "object", "properties": {
        "posts": {"type": "array", "items": {"type": "object", "properties": {
            "internship": _POST, "seats": {"type": "integer"}, "applicants": {"type": "array", "items": {
                "type": "object", "properties": {"talent": _STUDENT, "choice_rank": {"type": ["integer", "null"]},
                                                 "mark": {**LABEL, "description": "、".join(m.label for m in RoundMark)},
                                                 "placed": {"type": "boolean"}}}}}}}}}]},
    "Panel": {"type": "object", "required": ["id", "name", "status", "criteria"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "status": _status(PanelStatus),
        "panel_size": {"type": "integer"}, "max_load": {"type": "integer"},
        "criteria": {"type": "array", "items": {"type": "string"}}}},
    "Seat": {"type": "object", "properties": {
        "id": {"type": "integer"}, "item_id": {"type": "integer"}, "expert": {"type": "object"},
        "status": _status(SeatStatus), "fit": {"type": ["number", "null"], "description": "匹配度 0–100"},
        "reasons": {"type": "array", "items": {"type": "string"}}}},
    "PanelDetail": {"allOf": [{"$ref": "#/components/schemas/Panel"}, {"type": "object", "properties": {
        "message": {"type": "string", "description": "操作的结果（仅操作接口）"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "pool": {"type": "string", "enum": ["project", "achievement"]},
            "record_id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"},
            "seats": {"type": "array", "items": {"$ref": "#/components/schemas/Seat"}},
            "covered": {"type": "array", "items": {"type": "string"}}, "missing": {"type": "array", "items": {"type": "string"}},
            "shortfall": {"type": ["string", "null"]}, "short": {"type": "boolean"}}}},
        "figures": {**_FIGURES, "description": "领域覆盖率、已安排与缺额席位、专家评审数、利益冲突与同单位重复（均应为 0）"},
        "summary": {"type": "array", "description": "评分汇总：每项各指标均分、综合均分、分差、离群评分、评审意见", "items": {
            "type": "object", "properties": {"item_id": {"type": "integer"}, "name": {"type": "string"},
                                             "reviewers": {"type": "array", "items": {"type": "string"}},
                                             "means": {"type": "object", "additionalProperties": {"type": "number"}},
                                             "overall": {"type": ["number", "null"]}, "spread": {"type": ["number", "null"]},
                                             "outliers": {"type": "array", "items": {"type": "string"}},
                                             "comments": {"type": "array", "items": {"type": "string"}}}}}}}]},
    "PanelSeat": {"allOf": [{"$ref": "#/components/schemas/Seat"}, {"type": "object", "properties": {
        "message": {"type": "string"}, "batch": {"$ref": "#/components/schemas/Panel"}, "item": {"type": "object"},
        "scores": {"type": "object", "additionalProperties": {"type": "number"}}, "comment": {"type": "string"}}}]},
    "Fair": {"type": "object", "required": ["id", "name", "status", "starts_at", "capacity"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "status": _status(FairStatus),
        "starts_at": {"type": "string"}, "ends_at": {"type": ["string", "null"]}, "place": {"type": ["string", "null"]},
        "online_url": {"type": ["string", "null"]}, "capacity": {"type": "integer", "description": "学生容量"},
        "registration_deadline": {"type": ["string", "null"]}, "round_id": {"type": ["integer", "null"]},
        "registered": {"type": "integer", "description": "已报名学生数"}}},
    "FairPost": {"type": "object", "properties": {"internship": {"type": "object"}, "seats": {"type": "integer"},
                                                  "registered_at": {"type": "string"}}},
    "FairDetail": {"allOf": [{"$ref": "#/components/schemas/Fair"}, {"type": "object", "properties": {
        "left": {"type": "integer", "description": "剩余名额"},
        "closed": {"type": "string", "description": "不能报名的原因；报名期间为空字符串"},
        "post_count": {"type": "integer"},
        "enterprises": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "posts": {"type": "array", "items": {"$ref": "#/components/schemas/FairPost"}}}}},
        "attendance": {"type": ["object", "null"], "description": "学生本人的报名与签到"},
        "mine": {"type": "array", "items": {"$ref": "#/components/schemas/FairPost"}, "description": "企业本单位已报名的岗位"},
        "postable": {"type": "array", "items": {"type": "object"}, "description": "企业还可以报名的已发布岗位"},
        "results_published": {"type": "boolean"}}}]},
    "FairResults": {"type": "object", "properties": {
        "event": {"$ref": "#/components/schemas/Fair"}, "published": {"type": "boolean"},
        "students": {"type": "integer"}, "placed": {"type": "integer"},
        "enterprises": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "placed": {"type": "integer"}, "posts": {"type": "array", "items": {
                "type": "object", "properties": {"name": {"type": "string"}, "seats": {"type": "integer"},
                                                 "placed": {"type": "array", "items": {"type": "object", "properties": {
                                                     "name": {"type": "string", "description": "只显示姓氏"},
                                                     "school": {"type": "string"}}}}}}}}}}}},
}
