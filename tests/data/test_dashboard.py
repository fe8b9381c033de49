"""Counting matches shown per day and direction, and reading them back for the dashboard."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from data.workflows.dashboard import count_shown, shown_by_direction


def test_counts_add_up_per_day_and_direction(db: Session) -> None:
    day = dt.date(2026, 11, 20)
    count_shown(db, {"need_experts": 5, "need_achievements": 0}, today=day)
    count_shown(db, {"need_experts": 3, "talent_internships": 10}, today=day)
    count_shown(db, {"need_experts": 1}, today=day - dt.timedelta(days=40))  # outside the window
    labels = {"need_experts": "匹配专家与教师", "talent_internships": "推荐实习岗位"}
    assert shown_by_direction(db, labels, today=day) == [("推荐实习岗位", 10), ("匹配专家与教师", 8)]
    assert shown_by_direction(db, labels, days=60, today=day) == [("推荐实习岗位", 10), ("匹配专家与教师", 9)]
