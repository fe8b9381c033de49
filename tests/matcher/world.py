"""A small hand-built alliance with known right answers for every direction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from data.db import session_scope
from data.enums import (
    AchievementKind,
    Availability,
    EducationLevel,
    JobKind,
    Maturity,
    OrgKind,
    ProjectKind,
    TeacherKind,
    Visibility,
)
from data.pools import Pool
from indexer.context import get_context
from indexer.operations import rebuild_pool
from matcher.engine import Match
from matcher.recommend import recommend
from tests.makers import (
    make_achievement,
    make_expert,
    make_internship,
    make_organization,
    make_project,
    make_talent,
    make_teacher,
)


# The vectors of the world's texts, by vector-cache key (model, kind, text), kept for the whole
# session: every test has an instance folder (and so a vector cache) of its own, and would
# otherwise run the model over the same texts again each time it builds the world.
_SESSION_VECTORS: dict[str, np.ndarray] = {}


@dataclass
class World:
    """The ids of the alliance's records by a short name (``maker``, ``vision_need``, …)."""

    ids: dict[str, int]


def build_world() -> World:
    """Commit the alliance (through ``tests.makers``) and index every pool."""
    ids: dict[str, int] = {}
    with session_scope() as s:
        maker = make_organization(s, "广州智视装备有限公司", OrgKind.ENTERPRISE, region_code="440100", field="智能制造",
                                  description="工业机器人与机器视觉检测设备制造商", industries=["机器视觉", "工业机器人"])
        food = make_organization(s, "重庆鲜味食品有限公司", OrgKind.ENTERPRISE, region_code="500000", field="食品工程",
                                 description="调味品与酱油生产企业", industries=["酱油", "发酵食品"])
        gz_college = make_organization(s, "广州智造职业技术学院", OrgKind.COLLEGE, region_code="440100", field="智能制造",
                                       description="开设工业机器人技术、机电一体化专业", majors=["工业机器人技术", "机电一体化技术"])
        cq_college = make_organization(s, "重庆轻工职业学院", OrgKind.COLLEGE, region_code="500000", field="食品工程",
                                       description="开设食品检验检测、发酵技术专业", majors=["发酵技术", "食品检验检测技术"])
        ids.update(maker=maker.id, food=food.id, gz_college=gz_college.id, cq_college=cq_college.id)

        ids["vision_expert"] = make_expert(s, gz_college.id, "陈视觉", natural_key="e1", field="智能制造",
                                           region_code="440100", research_areas=["机器视觉", "缺陷检测", "深度学习"],
                                           description="研究工业产品表面缺陷的机器视觉检测方法").id
        ids["own_expert"] = make_expert(s, maker.id, "王内部", natural_key="e2", field="智能制造", region_code="440100",
                                        research_areas=["机器视觉", "缺陷检测"], description="本公司视觉检测工程师，擅长缺陷检测").id
        ids["ferment_expert"] = make_expert(s, cq_college.id, "李发酵", natural_key="e3", field="食品工程",
                                            region_code="500000", research_areas=["酱油发酵", "微生物"],
                                            description="研究酱油酿造发酵工艺").id
        ids["busy_expert"] = make_expert(s, cq_college.id, "赵繁忙", natural_key="e4", field="智能制造", region_code="500000",
                                         research_areas=["机器视觉", "缺陷检测"], availability=Availability.BUSY,
                                         description="研究机器视觉缺陷检测").id
        ids["plc_teacher"] = make_teacher(s, gz_college.id, "孙讲师", natural_key="t1", teacher_kind=TeacherKind.FULL_TIME,
                                          field="智能制造", region_code="440100", courses=["PLC应用技术"], skills=["PLC编程", "电气控制"],
                                          description="讲授PLC应用技术与工业机器人编程").id
        ids["mentor"] = make_teacher(s, maker.id, "周工", natural_key="t2", teacher_kind=TeacherKind.ENTERPRISE_PART_TIME,
                                     field="智能制造", region_code="440100", courses=["工业机器人编程"], skills=["工业机器人编程", "PLC编程"],
                                     description="企业高级工程师，可讲授工业机器人编程课程").id
        ids["vision_result"] = make_achievement(s, gz_college.id, "一种金属表面缺陷的机器视觉检测方法", natural_key="a1",
                                                achievement_kind=AchievementKind.INVENTION_PATENT, field="智能制造",
                                                region_code="440100", tags=["机器视觉", "缺陷检测"], maturity=Maturity.DEMO, trl=6,
                                                description="利用深度学习对冲压件表面划痕进行在线检测").id
        ids["ferment_result"] = make_achievement(s, cq_college.id, "低盐酱油快速发酵工艺", natural_key="a2",
                                                 achievement_kind=AchievementKind.TECHNOLOGY, field="食品工程",
                                                 region_code="500000", tags=["酱油", "发酵"], description="缩短酱油发酵周期并降低盐含量").id
        ids["vision_need"] = make_project(s, maker.id, "产线零件表面缺陷视觉检测", natural_key="p1",
                                          project_kind=ProjectKind.TECH_PROBLEM, field="智能制造", region_code="440100",
                                          skills=["机器视觉", "缺陷检测"], description="需要对冲压零件表面划痕进行机器视觉在线检测").id
        ids["ferment_need"] = make_project(s, food.id, "酱油发酵周期缩短", natural_key="p2",
                                           project_kind=ProjectKind.TECH_PROBLEM, field="食品工程", region_code="500000",
                                           skills=["发酵"], description="希望缩短酱油发酵周期，降低盐含量").id
        ids["expired_need"] = make_project(s, food.id, "酱油发酵菌种改良", natural_key="p3",
                                           project_kind=ProjectKind.TECH_PROBLEM, field="食品工程",
                                           deadline=dt.date(2020, 1, 1), description="酱油发酵菌种改良").id
        ids["course_need"] = make_project(s, gz_college.id, "工业机器人编程课程共建", natural_key="p4",
                                          project_kind=ProjectKind.CO_BUILT_COURSE, field="智能制造", region_code="440100",
                                          skills=["工业机器人编程"], description="需要企业工程师讲授工业机器人编程课程").id
        ids["post"] = make_internship(s, maker.id, "工业机器人运维实习生", natural_key="j1", job_kind=JobKind.INTERNSHIP,
                                      field="智能制造", region_code="440100", seats=3, skills=["PLC编程", "工业机器人编程"],
                                      majors=["工业机器人技术"], min_level=EducationLevel.HIGHER_VOCATIONAL,
                                      start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 8, 31),
                                      description="协助工程师完成工业机器人日常点检与PLC程序调试").id
        ids["fit_student"] = make_talent(s, gz_college.id, "林同学", natural_key="s1", major="工业机器人技术",
                                         level=EducationLevel.HIGHER_VOCATIONAL, skills=["PLC编程", "工业机器人编程"],
                                         field="智能制造", expected_city_code="440100", expected_role="工业机器人运维",
                                         region_code="440100", available_from=dt.date(2027, 6, 1),
                                         available_to=dt.date(2027, 9, 30), visibility=Visibility.MEMBERS,
                                         description="工业机器人技术专业，想做机器人运维").id
        ids["unwilling_student"] = make_talent(s, gz_college.id, "吴同学", natural_key="s2", major="工业机器人技术",
                                               level=EducationLevel.HIGHER_VOCATIONAL, skills=["PLC编程", "工业机器人编程"],
                                               field="智能制造", expected_city_code="110000", expected_role="数据分析",
                                               region_code="440100", available_from=dt.date(2028, 1, 1),
                                               available_to=dt.date(2028, 3, 1), visibility=Visibility.MEMBERS,
                                               description="工业机器人技术专业，希望去北京做数据分析").id
    ctx = get_context()
    if _SESSION_VECTORS:
        ctx.cache.put_many(_SESSION_VECTORS)
    for pool in Pool:
        rebuild_pool(ctx, pool)
    # a text the model failed on is tried again next time
    _SESSION_VECTORS.update((key, vector) for key, vector in ctx.cache.stored().items() if np.isfinite(vector).all())
    return World(ids)


def recommend_for(session: Session, pool: Pool, key: str, direction: str, world: World, **kw: Any) -> list[Match]:
    """The ``direction`` recommendations for the world's record ``key`` of ``pool``."""
    return recommend(session, get_context(), pool, world.ids[key], direction, **kw)
