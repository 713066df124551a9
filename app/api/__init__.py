"""The JSON API under /api/v1: bearer tokens, schemas that validate and document, ETags."""

from __future__ import annotations

from flask import Flask

from app.api import (
    agenda_outcomes,
    agenda_papers,
    agenda_versions,
    agendas,
    audit,
    consultations,
    delegations,
    invitations,
    meetings,
    people,
    subscriptions,
    topics,
    users,
)
from app.api.common import install_error_processor


def register_api(app: Flask) -> None:
    install_error_processor(app)
    agenda_modules = (agendas, agenda_versions, agenda_papers, agenda_outcomes)
    modules = (topics, people, meetings, delegations, *agenda_modules, invitations)
    for module in (*modules, consultations, subscriptions, audit, users):
        for blueprint in module.blueprints:
            app.register_blueprint(blueprint)
