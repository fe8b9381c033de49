"""The API's own description: the OpenAPI document and its interactive page (Swagger UI)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from flask import jsonify, render_template, send_from_directory
from flask.typing import ResponseReturnValue

from web.api.openapi import openapi_document
from web.api.v1.blueprint import bp
from web.errors import AppError

DOCS_ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """Interactive documentation (Swagger UI, served from the installed package, no CDN)."""
    return render_template("api_docs.html")


@bp.get("/docs/assets/<name>")
def docs_asset(name: str) -> ResponseReturnValue:
    if name not in DOCS_ASSETS:
        raise AppError(404, "找不到该文件")
    return send_from_directory(Path(swagger_ui.__file__).parent / "static", name, max_age=86400)


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())
