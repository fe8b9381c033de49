"""An internship match has two sides, and both must fit: what the post requires of the student
(``side="post"``) and what the student wishes of the post (``side="student"``). The engine
takes the geometric mean of the two, beside where the words and the meaning rank the candidate
(:func:`matcher.engine._two_sided`); both directions between posts and students score this."""

from __future__ import annotations

from data.models import Internship, Talent
from data.reference.regions import get_region
from matcher import features as fx
from matcher.engine import Feature

# What the post requires.
SKILLS_WEIGHT = 1.0  # 技能
MAJOR_WEIGHT = 1.0  # 专业
LEVEL_WEIGHT = 0.5  # 学历
# What the student wishes.
CITY_WEIGHT = 1.0  # 城市
ROLE_WEIGHT = 0.7  # 岗位意向
PERIOD_WEIGHT = 1.0  # 时间
ROLE_SAID = 0.3  # the likeness of the wished role to the post's name from which it is a reason


def both_sides(post: Internship, talent: Talent) -> list[Feature]:
    """Features of both sides: the post's requirements ("post") and the student's wishes ("student")."""
    skills = fx.overlap(post.skills, talent.skills)
    majors = fx.overlap(post.majors, [talent.major])
    level = fx.level_fit(post.min_level.rank if post.min_level else None, talent.level.rank)
    city = fx.region_proximity(talent.expected_city_code, post.region_code)
    role = fx.bigram_similarity(talent.expected_role, post.name)
    period = fx.period_fit(post.start_date, post.end_date, talent.available_from, talent.available_to)
    place = get_region(post.region_code)
    hit_skills = [s for s in post.skills if s in talent.skills]
    return [
        Feature("技能", skills, SKILLS_WEIGHT, f"技能匹配：{'、'.join(hit_skills)}" if hit_skills else "", side="post"),
        Feature("专业", majors, MAJOR_WEIGHT, f"专业对口：{talent.major}" if majors else "", side="post"),
        Feature("学历", level, LEVEL_WEIGHT, f"学历：{talent.level.label}" + ("（达到要求）" if level == 1 else "（低于要求）"),
                side="post"),
        Feature("城市", city, CITY_WEIGHT,
                f"期望城市：{fx.region_label(city)}（岗位在{place.full_name}）" if city is not None and place else "",
                side="student"),
        Feature("岗位意向", role, ROLE_WEIGHT,
                f"期望岗位「{talent.expected_role}」与岗位名称相近" if role and role >= ROLE_SAID else "", side="student"),
        Feature("时间", period, PERIOD_WEIGHT, f"可实习时间覆盖岗位周期的 {100 * period:.0f}%" if period is not None else "",
                side="student"),
    ]
