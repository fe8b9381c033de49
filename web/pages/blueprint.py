"""The pages blueprint every page module registers its routes on."""

from __future__ import annotations

from flask import Blueprint

from web import boundary

bp = Blueprint("pages", __name__)

form_id = boundary.form_id  # a record id posted in a form field (400 naming the field)
