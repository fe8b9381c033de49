"""The spreadsheet shape of every pool: Chinese headers, value kinds, what is required.

One list per pool drives the import template, row validation, and export, so the three
can never disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from data.enums import (
    AchievementKind,
    Availability,
    EducationLevel,
    IPStatus,
    JobKind,
    LabeledEnum,
    Maturity,
    MemberLevel,
    MemberStatus,
    OrgKind,
    ProfTitle,
    ProjectKind,
    Status,
    TeacherKind,
    TransferMode,
    Visibility,
)
from data.pools import Pool
from data.reference.vocabulary import FIELD_NAMES

# The template's example row carries this 外部编号; import skips such rows.
EXAMPLE_MARK = "示例行-导入时忽略"


class Kind(enum.Enum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    BOOL = "bool"
    LIST = "list"
    ENUM = "enum"
    REGION = "region"
    ORG = "org"  # an organization's name, resolved to its id
    PHONE = "phone"  # text in the shape of a phone number (see data.sheets.rows.parse_phone)
    EMAIL = "email"  # text in the shape of an e-mail address


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    kind: Kind = Kind.TEXT
    required: bool = False
    enum: type[LabeledEnum] | None = None
    max_len: int = 200  # characters; for a LIST column, of each item
    max_items: int = 50  # a LIST column's items (a record with 150,000 tags cannot be shown or indexed)
    min_value: float | None = None
    max_value: float | None = None
    example: str = ""
    hint: str = ""
    private: bool = False  # contact data: shown to others only through the consent flow
    internal: bool = False  # bookkeeping (workflow state, import key): shown to staff only
    unit: str = ""  # shown after the value where the header has no （unit） of its own
    choices: tuple[str, ...] = ()  # a closed vocabulary for a TEXT column: nothing else is accepted


def _enum(header: str, attr: str, cls: type[LabeledEnum], example: str, required: bool = False) -> Column:
    return Column(header, attr, Kind.ENUM, required, enum=cls, example=example)


def _common(region_header: str = "地区", region_required: bool = False) -> list[Column]:
    """The columns every pool shares, in the order they end a sheet."""
    return [
        Column("行业领域", "field", max_len=50, example="智能制造", choices=FIELD_NAMES),
        Column(region_header, "region_code", Kind.REGION, region_required, example="广东省广州市",
               hint="省/市/区县名称"),
        Column("标签", "tags", Kind.LIST, max_len=50, example="工业互联网、机器视觉", hint="多个用顿号或逗号分隔，最多 50 个"),
        _enum("可见范围", "visibility", Visibility, "公开"),
        Column("状态", "status", Kind.ENUM, enum=Status, example="已发布", internal=True),
        Column("外部编号", "source_id", max_len=100, example=EXAMPLE_MARK,
               hint="原系统中的编号；填写后重复导入按它更新", internal=True),
    ]


_CONTACT = [
    Column("手机", "phone", Kind.PHONE, max_len=30, example="13800000000", private=True,
           hint="手机号 11 位，或带区号的座机，如 020-12345678"),
    Column("邮箱", "email", Kind.EMAIL, max_len=120, example="demo@example.com", private=True),
]

COLUMNS: dict[Pool, list[Column]] = {
    Pool.ORGANIZATION: [
        Column("单位名称", "name", required=True, example="示例智能装备有限公司"),
        _enum("单位类型", "kind", OrgKind, "企业", required=True),
        Column("统一社会信用代码", "credit_code", max_len=18, example="91440101MA5XXXXXXX"),
        Column("单位简介", "description", max_len=10000, example="专注工业机器人与机器视觉检测。"),
        Column("主要产业", "industries", Kind.LIST, max_len=50, max_items=30, example="工业机器人、机器视觉"),
        Column("开设专业", "majors", Kind.LIST, max_len=50, max_items=200, example="", hint="院校填写"),
        _enum("会员级别", "member_level", MemberLevel, "会员单位"),
        _enum("会员状态", "member_status", MemberStatus, "正式会员"),
        *_common(),
    ],
    Pool.EXPERT: [
        Column("姓名", "name", required=True, max_len=50, example="张三"),
        Column("所属单位", "owner_org_id", Kind.ORG, required=True, example="示例理工大学"),
        _enum("职称", "prof_title", ProfTitle, "教授"),
        Column("研究方向", "research_areas", Kind.LIST, required=True, max_len=50, max_items=30,
               example="机器视觉、缺陷检测"),
        Column("学科", "discipline", max_len=50, example="控制科学与工程"),
        Column("个人简介", "description", max_len=10000, example="长期从事工业视觉检测研究。"),
        _enum("咨询状态", "availability", Availability, "可咨询"),
        *_CONTACT,
        *_common(),
    ],
    Pool.TEACHER: [
        Column("姓名", "name", required=True, max_len=50, example="李四"),
        Column("所属单位", "owner_org_id", Kind.ORG, required=True, example="示例职业技术学院"),
        _enum("教师类型", "teacher_kind", TeacherKind, "专任教师", required=True),
        _enum("职称", "prof_title", ProfTitle, "副教授"),
        Column("主讲课程", "courses", Kind.LIST, max_len=100, example="PLC应用技术、工业机器人编程"),
        Column("专业技能", "skills", Kind.LIST, max_len=50, example="PLC编程、电气控制"),
        Column("双师型", "dual_qualified", Kind.BOOL, example="是", hint="是/否"),
        Column("可投入学时", "hours_available", Kind.INT, min_value=0, max_value=10000, example="64", unit="学时"),
        Column("个人简介", "description", max_len=10000, example="具有五年企业工程经历。"),
        *_CONTACT,
        *_common(),
    ],
    Pool.PROJECT: [
        Column("名称", "name", required=True, example="产线视觉缺陷检测系统研发"),
        Column("发布单位", "owner_org_id", Kind.ORG, required=True, example="示例智能装备有限公司"),
        _enum("项目类型", "project_kind", ProjectKind, "技术攻关", required=True),
        Column("需求描述", "description", required=True, max_len=10000,
               example="需要对金属零件表面划痕进行在线检测，节拍小于1秒。"),
        Column("预算（万元）", "budget", Kind.FLOAT, min_value=0, max_value=1e7, example="50"),
        Column("截止日期", "deadline", Kind.DATE, example="2026-12-31"),
        Column("所需技能", "skills", Kind.LIST, max_len=50, example="机器视觉、深度学习"),
        Column("联系人", "contact_name", max_len=50, example="王经理", private=True),
        *_common(),
    ],
    Pool.ACHIEVEMENT: [
        Column("成果名称", "name", required=True, example="一种金属表面缺陷视觉检测方法"),
        Column("所属单位", "owner_org_id", Kind.ORG, required=True, example="示例理工大学"),
        _enum("成果类型", "achievement_kind", AchievementKind, "发明专利", required=True),
        Column("成果简介", "description", required=True, max_len=10000,
               example="提出一种基于深度学习的表面缺陷检测方法，检出率99%。"),
        Column("学科", "discipline", max_len=50, example="控制科学与工程"),
        _enum("知识产权状态", "ip_status", IPStatus, "已授权"),
        _enum("成熟度", "maturity", Maturity, "中试"),
        Column("技术就绪度", "trl", Kind.INT, min_value=1, max_value=9, example="6", hint="TRL 1-9"),
        _enum("转化方式", "transfer_mode", TransferMode, "许可"),
        Column("参考价格（万元）", "price", Kind.FLOAT, min_value=0, max_value=1e7, example="30"),
        Column("完成人", "inventors", Kind.LIST, max_len=50, max_items=100, example="张三、李四"),
        *_common(),
    ],
    Pool.TALENT: [
        Column("姓名", "name", required=True, max_len=50, example="王小明"),
        Column("就读院校", "owner_org_id", Kind.ORG, required=True, example="示例职业技术学院"),
        Column("专业", "major", required=True, max_len=100, example="工业机器人技术"),
        _enum("学历层次", "level", EducationLevel, "高职", required=True),
        Column("毕业年份", "graduation_year", Kind.INT, min_value=1950, max_value=2100, example="2027"),
        Column("技能", "skills", Kind.LIST, max_len=50, example="PLC编程、CAD制图"),
        Column("证书", "certificates", Kind.LIST, max_len=100, max_items=30, example="1+X工业机器人操作与运维（中级）"),
        Column("期望城市", "expected_city_code", Kind.REGION, example="广州"),
        Column("期望岗位", "expected_role", max_len=100, example="设备运维"),
        Column("可实习开始", "available_from", Kind.DATE, example="2026-07-01"),
        Column("可实习结束", "available_to", Kind.DATE, example="2026-12-31"),
        Column("个人简介", "description", max_len=10000, example="参加过省级技能大赛。"),
        *_CONTACT,
        *_common(region_header="所在地区"),
    ],
    Pool.INTERNSHIP: [
        Column("岗位名称", "name", required=True, example="工业机器人运维实习生"),
        Column("招聘单位", "owner_org_id", Kind.ORG, required=True, example="示例智能装备有限公司"),
        _enum("岗位类型", "job_kind", JobKind, "实习", required=True),
        Column("岗位描述", "description", required=True, max_len=10000,
               example="协助工程师完成机器人日常点检与故障排查。"),
        Column("招收人数", "seats", Kind.INT, required=True, min_value=1, max_value=10000, example="5", unit="人"),
        Column("开始日期", "start_date", Kind.DATE, example="2026-07-01"),
        Column("结束日期", "end_date", Kind.DATE, example="2026-09-30"),
        Column("技能要求", "skills", Kind.LIST, max_len=50, example="PLC编程、电气识图"),
        Column("专业要求", "majors", Kind.LIST, max_len=50, example="工业机器人技术、机电一体化技术"),
        _enum("最低学历", "min_level", EducationLevel, "高职"),
        Column("实习补贴（元/月）", "stipend", Kind.INT, min_value=0, max_value=1_000_000, example="3000"),
        Column("职业编码", "occupation_code", max_len=20, example="6-31-01-10"),
        *_common(region_header="工作地点", region_required=True),
    ],
}

# Pairs of (start, end) attributes that must be in order, per pool.
DATE_RANGES: dict[Pool, tuple[str, str]] = {
    Pool.TALENT: ("available_from", "available_to"),
    Pool.INTERNSHIP: ("start_date", "end_date"),
}


def columns_of(pool: Pool) -> list[Column]:
    return COLUMNS[pool]


def header_map(pool: Pool) -> dict[str, Column]:
    return {c.header: c for c in COLUMNS[pool]}
