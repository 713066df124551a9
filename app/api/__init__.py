"""The JSON API under /api/v1: bearer tokens, schemas that validate and document, ETags."""

from __future__ import annotations

from flask import Flask

from app.api import meetings, people, topics
from app.api.common import install_error_processor


def register_api(app: Flask) -> None:
    install_error_processor(app)
    for module in (topics, people, meetings):
        for blueprint in module.blueprints:
            app.register_blueprint(blueprint)
