"""Work the site does by itself now and then, so a one-server alliance needs no cron."""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from data.db import session_scope
from data.workflows.membership import apply_deadlines
from indexer.dispatch import RECOVER_EVERY_SECONDS, recover_interrupted


def run_membership_deadlines(app: Flask, every_seconds: float = 3600) -> None:
    """Apply membership deadlines (withdrawals, lapses) at most hourly, on the first request
    after the hour, so a one-server alliance needs no cron; ``chanjiao membership update`` does
    the same from the command line."""
    state = {"next": 0.0}

    @app.before_request
    def deadlines() -> None:
        now = time.monotonic()
        if now < state["next"]:
            return
        state["next"] = now + every_seconds
        try:
            with session_scope() as session:
                apply_deadlines(session)
        except SQLAlchemyError:
            app.logger.warning("membership deadlines not applied", exc_info=True)


def run_job_recovery(app: Flask, every_seconds: float = RECOVER_EVERY_SECONDS) -> None:
    """Without a Celery worker, background jobs run in the web processes: one that died (a
    restart, a killed worker) leaves its jobs to be started again by the next request here."""
    state = {"next": 0.0}

    @app.before_request
    def recover() -> None:
        now = time.monotonic()
        if now < state["next"]:
            return
        state["next"] = now + every_seconds
        try:
            recover_interrupted()
        except Exception:  # job storage unreachable: try again later, never fail the request
            app.logger.warning("interrupted jobs not recovered", exc_info=True)
