"""Migrations: one head, head equals the models, every revision upgrades and downgrades."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.core.db import Base
from app.extensions import db
from app.settings import PROJECT_ROOT
from tests.conftest import make_settings
from tests.databases import fresh_database

SCRIPTS = ScriptDirectory(str(PROJECT_ROOT / "migrations"))


@pytest.fixture
def empty_app(tmp_path: Path):
    with fresh_database(tmp_path) as url:
        application = create_app(make_settings(url, tmp_path))
        with application.app_context():
            yield application
            db.session.remove()
            db.engine.dispose()


def test_there_is_exactly_one_head():
    assert len(SCRIPTS.get_heads()) == 1


def test_head_matches_the_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_revision_upgrades_and_downgrades(empty_app):
    revisions = list(reversed(list(SCRIPTS.walk_revisions())))
    for revision in revisions:
        upgrade(revision=revision.revision)
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)
    for revision in reversed(revisions):
        downgrade(revision=revision.down_revision or "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)
