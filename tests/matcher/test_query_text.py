"""What a typed query asks for: the poster, 招聘-style words, posting codes and perks go; the need stays."""

from __future__ import annotations

import pytest

from matcher.query_text import clean_query


@pytest.mark.parametrize("typed,meant", [
    ("武汉紫陌文化传媒有限公司招聘新媒体运营（双休）", "新媒体运营"),
    ("中移(上海)信息通信科技有限公司招聘产品运营（中级）(J11055)", "产品运营 中级"),
    ("产品经理-PM(J10458)", "产品经理 PM"),
    ("急招：电商运营专员/助理+接受小白", "电商运营专员/助理"),
    ("线上运营专员 (周末双休+六险一金)", "线上运营专员"),
    ("渠道运营专员（年休/团建/徐家棚地铁站/接受应届毕业生", "渠道运营专员"),
    ("某某工作室招聘双休7-9K抖音运营（编导为主、拍摄为辅）", "抖音运营 编导为主、拍摄为辅"),
    ("C++开发(3年以上)", "C++开发"),
    ("招聘油墨制造工（调墨技师）", "油墨制造工 调墨技师"),
    # pay, however written, and codes with a date in them
    ("Java开发工程师/后端 15-25K·13薪 JD-2024-0318", "Java开发工程师/后端"),
    ("CNC数控操机师傅 月薪8000-12000 包吃住", "CNC数控操机师傅"),
    ("仓库管理员 月薪：1.2万", "仓库管理员"),
    ("出纳（日结200元）", "出纳"),
    ("6险1金+高端营销顾问", "高端营销顾问"),
    ("电焊工 工资面议", "电焊工"),
])
def test_posting_noise_goes(typed: str, meant: str) -> None:
    assert clean_query(typed) == meant


@pytest.mark.parametrize("typed", ["PCB板表面缺陷机器视觉检测系统开发", "机器视觉 缺陷检测", "人工智能", "锂电", "C#工程师",
                                   "machine learning", "基于深度学习的图像识别", "招聘", "qwertyzx",
                                   "薪酬体系设计咨询", "年薪制改革研究"])  # words about pay, not pay
def test_a_need_is_left_as_typed(typed: str) -> None:
    assert clean_query(typed) == typed


@pytest.mark.parametrize("typed", ["miR-29在肺纤维化中的作用", "SAPO-34分子筛", "HFC-134制冷剂", "GB-50016规范"])
def test_an_identifier_with_a_dash_is_kept_unlike_a_posting_code(typed: str) -> None:
    assert clean_query(typed).replace(" ", "") == typed.replace("-", "")


def test_brackets_that_say_something_stay_as_words() -> None:
    assert clean_query("基于深度学习的图像识别（中试阶段）") == "基于深度学习的图像识别 中试阶段"


@pytest.mark.parametrize("typed,meant", [
    ("前端开发工程师（英文网站）", "前端开发工程师 英文网站"),
    ("PLC电气工程师（自动化生产线）", "PLC电气工程师 自动化生产线"),
    ("设备维修（注塑机型号调试）", "设备维修 注塑机型号调试"),
    ("销售代表（区域/城市号）", "销售代表"),
    ("客服专员（地铁2号线旁）", "客服专员"),
    ("课程顾问（线上）", "课程顾问"),
])
def test_a_bracket_is_a_note_by_its_words_not_by_one_character(typed: str, meant: str) -> None:
    """A bracket naming a place or a work mode goes; one naming what the post works on (a
    website, a production line, a model number) stays, though 站, 线 and 号 are in both."""
    assert clean_query(typed) == meant
