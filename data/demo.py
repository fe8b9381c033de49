"""A deterministic, realistic demo alliance built from the real public data in ``data/seed``.

CSL paper records (Apache-2.0) become 成果 and give experts and teachers their research
areas; CSCO-2022 occupations (MIT) give internship/job descriptions and talent skills; the
city table gives regions. Every person and organization is fictional, every record has
``source = "demo"``, and contact data is fake (``100-0000-…`` phones, example.com mail).

Rows are produced in the import sheet's shape and loaded through the importer, so demo data
passes the same validation as a user's spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from data.pools import Pool
from data.reference.regions import RegionRow, get_region
from data.reference.vocabulary import FIELD_BY_NAME, FIELD_NAMES, FIELD_OF_DISCIPLINE, FIELDS, INDUSTRY_COLLEGES
from data.settings import SEED_DIR
from data.sheets.columns import columns_of
from data.sheets.importer import ImportReport, import_rows

DEMO_NOTICE = "本数据集为演示数据：人员与单位均为虚构，联系方式无效；成果文本来自公开的 CSL 论文数据集。"
SEED = 20261122

SIZES = {
    Pool.ORGANIZATION: 200, Pool.EXPERT: 600, Pool.TEACHER: 400, Pool.PROJECT: 800,
    Pool.ACHIEVEMENT: 2000, Pool.TALENT: 1500, Pool.INTERNSHIP: 500,
}
LOAD_ORDER = (
    Pool.ORGANIZATION, Pool.EXPERT, Pool.TEACHER, Pool.ACHIEVEMENT,
    Pool.PROJECT, Pool.TALENT, Pool.INTERNSHIP,
)

# (region code, weight): the alliance lives in 粤港澳大湾区, 重庆 and 德州, with partners elsewhere.
REGION_WEIGHTS = (
    ("440100", 30), ("440300", 14), ("440600", 8), ("441900", 7), ("440400", 4), ("442000", 3),
    ("440700", 2), ("441300", 2), ("441200", 2), ("810000", 2), ("820000", 1),
    ("500000", 14), ("371400", 10), ("510100", 4), ("370100", 3), ("110000", 3), ("310000", 3),
    ("330100", 2), ("420100", 2), ("430100", 2), ("610100", 2),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲建林斌波宇浩凯健俊帆帅旭宁欣怡佳思雨晨阳子涵博文昊然一诺梓轩雅琪嘉懿泽宏志远瑞鹏飞海龙婷慧晶莉"
BRAND = "华创智联科达恒信瑞博盛远鼎新泰宏源腾骏捷锐凯润嘉航卓越亿维拓云星启"
COLLEGE_WORDS = ("智造", "信息", "轻工", "工贸", "城建", "海洋", "健康", "应用技术", "科创", "交通")
COLLEGE_SUFFIX = ("职业技术学院", "职业学院", "理工学院", "工程职业技术学院", "技师学院", "科技学院")
NEED_SUFFIX = ("关键技术攻关", "工艺优化", "系统研发", "应用研究", "技术升级", "检测方法研究")
PROJECT_KIND_WEIGHTS = (
    ("技术攻关", 35), ("横向课题", 20), ("人才需求", 10), ("培训需求", 10), ("合作需求", 10),
    ("共建基地", 5), ("共建课程", 5), ("政府项目", 5),
)


@dataclass
class Paper:
    id: str
    title: str
    abstract: str
    keywords: list[str]
    discipline: str
    field: str


@dataclass
class Occupation:
    code: str
    name: str
    definition: str
    tasks: str
    field: str


@lru_cache(maxsize=1)
def load_papers() -> tuple[Paper, ...]:
    papers = []
    with (SEED_DIR / "csl_2000_merged.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            papers.append(Paper(raw["id"], raw["title"], raw["abstract"], raw["keywords"],
                                raw["discipline"], _paper_field(raw)))
    return tuple(papers)


def _region_row(code: str) -> RegionRow:
    """The region of a code the generator took from the reference data (so always there)."""
    row = get_region(code)
    if row is None:
        raise KeyError(f"region code {code} is not in the reference data")
    return row


def _paper_field(raw: dict[str, Any]) -> str:
    text = raw["title"] + " ".join(raw["keywords"])
    if "区块链" in text:
        return "区块链"
    if raw["discipline"] == "计算机科学与技术" and ("物联网" in text or "传感" in text):
        return "物联网"
    return FIELD_OF_DISCIPLINE.get(raw["discipline"], "文化教育")


@lru_cache(maxsize=1)
def load_occupations() -> tuple[Occupation, ...]:
    """CSCO-2022 detailed occupations (with definition and tasks) that belong to a field."""
    found = []
    with (SEED_DIR / "csco22.csv").open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            if raw["level"] != "4" or not raw["definition"] or not raw["tasks"]:
                continue
            name = re.sub(r"[A-Z]+$", "", raw["name"])
            for info in FIELDS:
                if re.search(info.occupation_pattern, name):
                    found.append(Occupation(raw["code"], name, raw["definition"], raw["tasks"], info.name))
                    break
    return tuple(found)


class DemoBuilder:
    """Builds every pool's rows; one instance, one seed, always the same output."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.papers = load_papers()
        self.occupations = load_occupations()
        self.occupations_by_field: dict[str, list[Occupation]] = defaultdict(list)
        for occ in self.occupations:
            self.occupations_by_field[occ.field].append(occ)
        self.used_names: set[str] = set()
        self.orgs: list[dict[str, Any]] = []
        self.experts: list[dict[str, Any]] = []

    # -- small helpers -------------------------------------------------------------------
    def person_name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def region(self) -> str:
        codes, weights = zip(*REGION_WEIGHTS)
        return self.rng.choices(codes, weights)[0]

    def field(self) -> str:
        return self.rng.choice(FIELD_NAMES)

    def contact(self, series: int, n: int) -> dict[str, Any]:
        """Fake contact data: 100- numbers are not issued in China; example.com is reserved."""
        return {"手机": f"100-000{series}-{n:04d}", "邮箱": f"user{series}{n:04d}@demo.example.com"}

    def visibility(self) -> str:
        return self.rng.choices(("公开", "会员可见", "仅本单位"), (85, 10, 5))[0]

    def status(self) -> str:
        return self.rng.choices(("已发布", "待审核", "草稿"), (92, 5, 3))[0]

    def orgs_of(self, *kinds: str, field: str | None = None) -> list[dict[str, Any]]:
        pool = [o for o in self.orgs if o["单位类型"] in kinds]
        same = [o for o in pool if field and o["行业领域"] == field]
        return same if same and self.rng.random() < 0.8 else pool

    # -- pools ---------------------------------------------------------------------------
    def organizations(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        names: set[str] = set()

        def add(name: str, kind: str, field: str, region: str, **extra: Any) -> None:
            if name in names:
                return
            names.add(name)
            info = FIELD_BY_NAME[field]
            rows.append({
                "单位名称": name, "单位类型": kind, "行业领域": field, "地区": _region_row(region).full_name,
                "单位简介": extra.pop("简介"), "标签": "、".join(self.rng.sample(info.skills, 3)),
                "可见范围": "公开", "状态": "已发布", **extra,
            })

        for name, field in INDUSTRY_COLLEGES:
            info = FIELD_BY_NAME[field]
            add(f"湾区{name}", "产业学院", field, "440100", 简介=f"联盟共建的{name}，面向{field}产业开展人才培养、技术服务与实训基地建设。",
                开设专业="、".join(info.majors))
        while len(rows) < 50:
            region = self.region()
            city = _region_row(region).short_name
            fields = self.rng.sample(FIELD_NAMES, 3)
            majors = [m for f in fields for m in FIELD_BY_NAME[f].majors[:3]]
            add(f"{city}{self.rng.choice(COLLEGE_WORDS)}{self.rng.choice(COLLEGE_SUFFIX)}", "院校", fields[0], region,
                简介=f"地处{city}的高等职业院校，重点建设{'、'.join(fields)}相关专业群。", 开设专业="、".join(majors))
        while len(rows) < 65:
            region, field = self.region(), self.field()
            city = _region_row(region).short_name
            add(f"{city}{field}研究院", "科研院所", field, region,
                简介=f"面向{field}领域的应用技术研究机构，承接企业委托研发与成果转化。")
        while len(rows) < 72:
            region, field = self.region(), self.field()
            add(f"{_region_row(region).short_name}{field}行业协会", "行业协会", field, region,
                简介=f"{field}行业企业的自律与服务组织。")
        while len(rows) < SIZES[Pool.ORGANIZATION]:
            region, field = self.region(), self.field()
            info = FIELD_BY_NAME[field]
            brand = "".join(self.rng.sample(BRAND, 2))
            word = self.rng.choice(info.company_words)
            add(f"{_region_row(region).short_name}{brand}{word}有限公司", "企业", field, region,
                简介=f"从事{field}相关产品研发、生产与服务的企业，主营{'、'.join(self.rng.sample(info.skills, 2))}。",
                主要产业="、".join(dict.fromkeys([field, *self.rng.sample(info.skills, 2)])))
        levels = ["理事长单位"] + ["副理事长单位"] * 6 + ["常务理事单位"] * 15 + ["理事单位"] * 40
        order = list(range(len(rows)))
        self.rng.shuffle(order)
        for rank, index in enumerate(order):
            if rank < 150:
                rows[index]["会员级别"] = levels[rank] if rank < len(levels) else "会员单位"
                rows[index]["会员状态"] = "正式会员"
            else:
                rows[index]["会员状态"] = self.rng.choice(("非会员", "申请中"))
        self.orgs = rows
        return rows

    def experts_and_achievements(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Each paper becomes a 成果 of an expert of its discipline; experts inherit its keywords."""
        by_discipline: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers:
            by_discipline[paper.discipline].append(paper)
        total = len(self.papers)
        experts: list[dict[str, Any]] = []
        achievements: list[dict[str, Any]] = []
        public: set[str] = set()  # papers whose 成果 anyone may read
        for discipline in sorted(by_discipline):
            papers = by_discipline[discipline]
            count = max(1, round(SIZES[Pool.EXPERT] * len(papers) / total))
            group = [self._expert(papers[0]) for _ in range(count)]
            for i, paper in enumerate(papers):
                expert = group[i % count]
                expert["_papers"].append(paper)
                achievements.append(self._achievement(paper, expert))
                if (achievements[-1]["可见范围"], achievements[-1]["状态"]) == ("公开", "已发布"):
                    public.add(paper.id)
            experts.extend(group)
        experts = experts[: SIZES[Pool.EXPERT]]
        while len(experts) < SIZES[Pool.EXPERT]:
            expert = self._expert(self.rng.choice(self.papers))
            expert["_papers"].append(self.rng.choice(self.papers))
            experts.append(expert)
        for expert in experts:
            papers = expert.pop("_papers")
            areas = list(dict.fromkeys(k for p in papers for k in p.keywords))[:6]
            expert["研究方向"] = "、".join(areas)
            expert["个人简介"] = _expert_bio(expert, areas, [p for p in papers if p.id in public][:2])
        # Two experts entered twice by a second import with its own 外部编号 (same phone and
        # profile): what the secretariat's duplicate finder is for.
        for i, original in enumerate(experts[:2]):
            experts[-1 - i] = {**original, "外部编号": f"DEMO-E-DUP{i + 1}"}
        self.experts = experts
        return experts, achievements

    def _expert(self, paper: Paper) -> dict[str, Any]:
        org = self.rng.choice(self.orgs_of("院校", "科研院所", "产业学院", field=paper.field) if self.rng.random() < 0.85
                              else self.orgs_of("企业", field=paper.field))
        title = self.rng.choice(("教授", "副教授", "研究员", "副研究员", "高级工程师", "正高级工程师")
                                if org["单位类型"] != "企业" or self.rng.random() < 0.5 else ("高级工程师", "工程师"))
        return {
            "姓名": self.person_name(), "所属单位": org["单位名称"], "职称": title, "学科": paper.discipline,
            "咨询状态": self.rng.choices(("可咨询", "档期紧张", "暂停接单"), (80, 15, 5))[0],
            "行业领域": paper.field, "地区": org["地区"], "标签": paper.field,
            "可见范围": self.visibility(), "状态": self.status(), "_papers": [], **self.contact(1, len(self.used_names)),
        }

    def _achievement(self, paper: Paper, expert: dict[str, Any]) -> dict[str, Any]:
        maturity, trl = self.rng.choice((("实验室阶段", 3), ("小试", 4), ("小试", 5), ("中试", 6), ("中试", 7), ("产业化", 8), ("产业化", 9)))
        kind = self.rng.choices(("发明专利", "实用新型专利", "软件著作权", "技术成果", "新品种", "标准"), (45, 15, 10, 25, 2, 3))[0]
        return {
            "成果名称": paper.title, "所属单位": expert["所属单位"], "成果类型": kind, "成果简介": paper.abstract,
            "学科": paper.discipline, "知识产权状态": self.rng.choice(("已授权", "申请中", "未申请")),
            "成熟度": maturity, "技术就绪度": trl, "转化方式": self.rng.choice(("转让", "许可", "作价入股", "合作开发")),
            "参考价格（万元）": self.rng.choice((None, 10, 20, 30, 50, 80, 120, 200)),
            "完成人": "、".join([expert["姓名"], *(self.person_name() for _ in range(self.rng.randint(0, 2)))]),
            "行业领域": paper.field, "地区": expert["地区"], "标签": "、".join(paper.keywords),
            "可见范围": self.visibility(), "状态": self.status(), "外部编号": f"CSL-{paper.id}",
        }

    def teachers(self) -> list[dict[str, Any]]:
        rows = []
        for i in range(SIZES[Pool.TEACHER]):
            part_time = i % 10 < 3
            paper = self.rng.choice(self.papers)
            field = paper.field
            info = FIELD_BY_NAME[field]
            org = self.rng.choice(self.orgs_of("企业", field=field) if part_time
                                  else self.orgs_of("院校", "产业学院", field=field))
            # A teacher teaches their field's skills (the paper only picks the field, so fields
            # keep the papers' mix; a paper keyword such as 「M型药型罩」 of a 军事学 paper filed
            # under 文化教育 would make an odd course).
            skills = self.rng.sample(info.skills, 3)
            practice = self.rng.choice(info.skills)
            courses = [*skills[:2], f"{practice}实训"]
            kind = "企业兼职教师" if part_time else self.rng.choice(("专任教师", "专任教师", "企业导师"))
            rows.append({
                "姓名": self.person_name(), "所属单位": org["单位名称"], "教师类型": kind,
                "职称": self.rng.choice(("高级工程师", "工程师", "技师", "高级技师") if part_time else ("教授", "副教授", "讲师", "助教")),
                "主讲课程": "、".join(courses), "专业技能": "、".join(dict.fromkeys(skills)),
                "双师型": "是" if part_time or self.rng.random() < 0.5 else "否",
                "可投入学时": self.rng.choice((32, 48, 64, 96, 128)),
                "个人简介": f"从事{field}领域教学与实践，擅长{'、'.join(skills[:2])}，可承担{courses[0]}等课程。",
                "行业领域": field, "地区": org["地区"], "标签": "、".join([field, *skills]),
                "可见范围": self.visibility(), "状态": self.status(), **self.contact(2, i),
            })
        return rows

    def projects(self) -> list[dict[str, Any]]:
        kinds, weights = zip(*PROJECT_KIND_WEIGHTS)
        rows = []
        papers = list(self.papers)
        self.rng.shuffle(papers)
        for i in range(SIZES[Pool.PROJECT]):
            kind = self.rng.choices(kinds, weights)[0]
            paper = papers[i % len(papers)]
            field = paper.field
            info = FIELD_BY_NAME[field]
            org = self.rng.choice(self.orgs_of("企业", field=field))
            if kind in ("人才需求", "培训需求"):
                occ = self.rng.choice(self.occupations_by_field.get(field) or self.occupations)
                name = f"{occ.name}{'招聘' if kind == '人才需求' else '岗位能力培训'}"
                text = f"{occ.definition}需求人员能够：{_first_tasks(occ.tasks)}。"
                skills = self.rng.sample(info.skills, 3)
            else:
                name = f"{paper.keywords[0]}{self.rng.choice(NEED_SUFFIX)}"
                sentence = re.split(r"[。.；;]", paper.abstract)[0]
                text = (f"我单位在{field}业务中遇到{'、'.join(paper.keywords[:2])}方面的问题。{sentence}。"
                        f"希望与高校或科研院所合作，围绕{'、'.join(paper.keywords[1:4])}开展{kind}，形成可落地的方案。")
                skills = paper.keywords[:3]
            rows.append({
                "名称": name, "发布单位": org["单位名称"], "项目类型": kind, "需求描述": text,
                "预算（万元）": self.rng.choice((5, 10, 20, 30, 50, 100, 200, None)),
                "截止日期": dt.date(2026, 12, 31) + dt.timedelta(days=self.rng.randint(-120, 400)),
                "所需技能": "、".join(skills), "联系人": f"{self.rng.choice(SURNAMES)}经理",
                "行业领域": field, "地区": org["地区"], "标签": field,
                "可见范围": self.visibility(), "状态": self.status(), "外部编号": f"DEMO-P{i:04d}",
            })
        return rows

    def talents(self) -> list[dict[str, Any]]:
        rows = []
        schools = self.orgs_of("院校", "产业学院")
        for i in range(SIZES[Pool.TALENT]):
            school = self.rng.choice(schools)
            majors = school["开设专业"].split("、")
            major = self.rng.choice(majors)
            field = next((f.name for f in FIELDS if major in f.majors), school["行业领域"])
            info = FIELD_BY_NAME[field]
            occs = self.occupations_by_field.get(field) or list(self.occupations)
            role = self.rng.choice(occs).name
            start = dt.date(2026, self.rng.choice((3, 6, 7, 9)), 1)
            city = school["地区"] if self.rng.random() < 0.6 else _region_row(self.region()).full_name
            rows.append({
                "姓名": self.person_name(), "就读院校": school["单位名称"], "专业": major,
                "学历层次": self.rng.choices(("中职", "高职", "本科", "研究生"), (10, 65, 20, 5))[0],
                "毕业年份": self.rng.choice((2026, 2027, 2028)),
                "技能": "、".join(self.rng.sample(info.skills, self.rng.randint(2, 4))),
                "证书": "、".join(self.rng.sample(info.certificates, self.rng.randint(0, 2))),
                "期望城市": city, "期望岗位": role, "可实习开始": start,
                "可实习结束": start + dt.timedelta(days=self.rng.choice((60, 90, 120, 180))),
                "个人简介": f"{major}专业学生，希望从事{role}相关工作。",
                "行业领域": field, "所在地区": school["地区"], "标签": field,
                "可见范围": self.rng.choices(("会员可见", "仅本单位"), (80, 20))[0], "状态": "已发布",
                "外部编号": f"DEMO-S{i:05d}", **self.contact(3, i),
            })
        return rows

    def internships(self) -> list[dict[str, Any]]:
        rows = []
        for i in range(SIZES[Pool.INTERNSHIP]):
            occ = self.rng.choice(self.occupations)
            info = FIELD_BY_NAME[occ.field]
            org = self.rng.choice(self.orgs_of("企业", field=occ.field))
            kind = self.rng.choices(("实习", "全职"), (75, 25))[0]
            start = dt.date(2026, self.rng.choice((3, 6, 7, 9)), 1)
            rows.append({
                "岗位名称": f"{occ.name}{'实习生' if kind == '实习' else ''}", "招聘单位": org["单位名称"],
                "岗位类型": kind, "岗位描述": f"{occ.definition}主要工作：{_first_tasks(occ.tasks, 4)}。",
                "招收人数": self.rng.choice((1, 2, 3, 5, 8, 10, 20)), "开始日期": start,
                "结束日期": start + dt.timedelta(days=self.rng.choice((60, 90, 180, 365))),
                "技能要求": "、".join(self.rng.sample(info.skills, 3)),
                "专业要求": "、".join(self.rng.sample(info.majors, 2)),
                "最低学历": self.rng.choice(("中职", "高职", "高职", "本科")),
                "实习补贴（元/月）": self.rng.choice((2000, 2500, 3000, 3500, 4000, 5000)) if kind == "实习" else None,
                "职业编码": occ.code, "行业领域": occ.field, "工作地点": org["地区"], "标签": occ.field,
                "可见范围": self.visibility(), "状态": self.status(), "外部编号": f"DEMO-J{i:04d}",
            })
        return rows

    def build(self) -> dict[Pool, list[dict[str, Any]]]:
        orgs = self.organizations()
        experts, achievements = self.experts_and_achievements()
        return {
            Pool.ORGANIZATION: orgs, Pool.EXPERT: experts, Pool.TEACHER: self.teachers(),
            Pool.ACHIEVEMENT: achievements, Pool.PROJECT: self.projects(),
            Pool.TALENT: self.talents(), Pool.INTERNSHIP: self.internships(),
        }


def _expert_bio(expert: dict[str, Any], areas: list[str], public_papers: list[Paper]) -> str:
    """An expert's profile text; the work it names is only work anyone may read (a public,
    published 成果), so a public profile never quotes a members-only or internal title."""
    intro = f"{expert['职称']}，{expert['学科']}方向，主要研究{'、'.join(areas[:3])}。"
    if not public_papers:
        return intro + "可为企业提供技术咨询与联合攻关。"
    titles = "」「".join(p.title for p in public_papers)
    return intro + f"近年完成「{titles}」等研究，可为企业提供技术咨询与联合攻关。"


def _first_tasks(tasks: str, n: int = 3) -> str:
    parts = [re.sub(r"^\d+[.、．]?", "", p).strip("。； ") for p in re.split(r"\s*\d+[.、．]", tasks) if p.strip()]
    return "；".join(parts[:n])


def build_demo(seed: int = SEED) -> dict[Pool, list[dict[str, Any]]]:
    """All demo rows by pool, keyed by the import sheet's headers."""
    return DemoBuilder(seed).build()


def load_demo(session: Session, seed: int = SEED, progress: Callable[[Pool, int], None] | None = None) -> dict[Pool, ImportReport]:
    """Import the demo alliance through the importer, pool by pool, in the caller's transaction.

    Raises ValueError if any generated row fails validation (a bug in the generator).
    """
    rows_by_pool = build_demo(seed)
    reports = {}
    for pool in LOAD_ORDER:
        headers = {c.header for c in columns_of(pool)}
        rows = [(n, {k: v for k, v in row.items() if k in headers}) for n, row in enumerate(rows_by_pool[pool], start=2)]
        report = import_rows(session, pool, rows, source="demo")
        if not report.ok:
            raise ValueError(f"演示数据未通过校验（{pool.label}）：{report.errors[0]}")
        reports[pool] = report
        if progress is not None:
            progress(pool, report.total)
    return reports
