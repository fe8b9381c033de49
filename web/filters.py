"""The Jinja filters every template may use, registered once with the app (:func:`init_app`)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from data.workflows.students import CHINA
from web.highlight import highlight


def china_time(value: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as China time (naive values are UTC, as SQLite returns them)."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(CHINA).strftime(pattern)


def init_app(app: Flask) -> None:
    app.add_template_filter(highlight)
    app.add_template_filter(china_time)
