"""The app's own Jinja filters (web/filters.py), registered once with the app for every template."""

from __future__ import annotations

import datetime as dt

from flask import render_template_string

from web import create_app


def test_china_time_is_an_app_filter_for_any_template() -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    with app.test_request_context("/"):
        naive_utc = dt.datetime(2026, 3, 1, 23, 30)  # as SQLite returns it
        assert render_template_string("{{ t|china_time }}", t=naive_utc) == "2026-03-02 07:30"
        assert render_template_string("{{ t|china_time('%Y-%m-%d') }}", t=naive_utc) == "2026-03-02"
        assert render_template_string("{{ t|china_time }}", t=None) == ""
        assert "<mark>" in render_template_string("{{ s|highlight(['区块链']) }}", s="基于区块链")
