"""The Flask application: thin views over ``matcher`` and ``data``."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter, Map


class BoundedInt(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits (``\\d`` would also take ``٣``) up to the databases'
    integer range; anything else is simply not a route (404), never an overflow in the driver."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        from web.boundary import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides the environment-derived config."""
    from web.config import Config

    from web import security

    app = Flask(__name__)
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = security.secret_key()
    if isinstance(app.json, DefaultJSONProvider):  # Chinese as it is in JSON answers, not \uXXXX
        app.json.ensure_ascii = False
    app.url_map.converters["int"] = BoundedInt

    from web import auth, boundary, db, errors, filters
    from web.api import bp as api_bp
    from web.pages import bp as pages_bp

    filters.init_app(app)

    @app.context_processor
    def pools() -> dict[str, object]:
        from data.pools import Pool

        return {"pools": list(Pool)}
    db.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    boundary.init_app(app)  # after the body-size check: NUL characters, JSON depth and size
    auth.init_app(app)
    app.register_blueprint(pages_bp)
    # The API takes only application/json bodies, which a cross-site form cannot send
    # without a CORS preflight; pages keep CSRF tokens on every form.
    auth.csrf.exempt(api_bp)
    app.register_blueprint(api_bp)

    if not app.config.get("TESTING"):
        from indexer import dispatch

        dispatch.install()  # every committed change reaches the indexes
        from indexer import outbox

        outbox.install()  # messages queued for e-mail are sent off the request
        from web import housekeeping

        housekeeping.run_membership_deadlines(app)
        if dispatch.is_eager():
            housekeeping.run_job_recovery(app)
            housekeeping.run_subscription_rounds(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
