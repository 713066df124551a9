"""The JSON API under /api/v1: bearer tokens, schemas that validate and document, ETags."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.api import (
    agenda_outcomes,
    agenda_papers,
    agenda_versions,
    agendas,
    audit,
    consultations,
    delegations,
    inbound,
    invitations,
    meetings,
    paper_files,
    people,
    subscriptions,
    tokens,
    topics,
    users,
)
from app.api.common import document_what_code_enforces, install_error_processor
from app.api.links import add_links


def register_api(app: Flask) -> None:
    install_error_processor(app)
    app.spec_processor(_document)  # type: ignore[attr-defined]
    agenda_modules = (agendas, agenda_versions, agenda_papers, paper_files, agenda_outcomes)
    modules = (topics, people, meetings, delegations, *agenda_modules, invitations)
    for module in (*modules, inbound, consultations, subscriptions, audit, users, tokens):
        for blueprint in module.blueprints:
            app.register_blueprint(blueprint)


def _document(spec: dict[str, Any]) -> dict[str, Any]:
    """The generated document, plus what the views enforce and the links between answers."""
    return add_links(document_what_code_enforces(spec))
