"""Work the site does by itself now and then, so a one-server alliance needs no cron."""

from __future__ import annotations

import threading
import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from data.db import session_scope
from data.workflows.membership import apply_deadlines
from indexer.context import get_context
from indexer.dispatch import RECOVER_EVERY_SECONDS, recover_interrupted
from matcher.watch import ROUND_MINUTES, run_round


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


def run_subscription_rounds(app: Flask, every_seconds: float = ROUND_MINUTES * 60) -> None:
    """Without a Celery worker (no beat), the first request after each round's time starts the
    subscriptions' round on a background thread (one at a time), off the request."""
    state = {"next": 0.0}
    running = threading.Lock()

    def round_() -> None:
        try:
            with session_scope() as session:
                run_round(session, get_context())
        except Exception:  # a database hiccup: the next round tries again
            app.logger.warning("subscriptions round failed", exc_info=True)
        finally:
            running.release()

    @app.before_request
    def subscriptions() -> None:
        now = time.monotonic()
        if now < state["next"] or not running.acquire(blocking=False):
            return
        state["next"] = now + every_seconds
        threading.Thread(target=round_, name="chanjiao-subscriptions", daemon=True).start()
