"""The meetings blueprint, built per app from its view modules, each registered explicitly."""

from __future__ import annotations

from flask import Blueprint

from app.meetings import edit_views, views


def meetings_blueprint() -> Blueprint:
    """`/meetings`: the reading pages (views.py) and the editors' changes (edit_views.py)."""
    bp = Blueprint("meetings", __name__, url_prefix="/meetings")
    views.register(bp)
    edit_views.register(bp)
    return bp
