"""Entente: the application factory."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from apiflask import APIFlask
from flask import Flask

from app.agendas.paper_views import bp as paper_files_bp
from app.agendas.views import bp as agendas_bp
from app.api import register_api
from app.audit.views import bp as audit_bp
from app.auth.account_views import bp as account_bp
from app.auth.admin import bp as admin_bp
from app.auth.factor_views import bp as factors_bp
from app.auth.identity_admin import bp as identity_bp
from app.auth.second_factor import bp as second_factor_bp
from app.auth.views import bp as auth_bp
from app.auth.web import current_actor, init_login
from app.cli import register_commands
from app.consultations.views import bp as planning_bp
from app.core.outage import Incident, watch_recovery
from app.core.pgbounds import Bounds, connect_args, install_postgresql_bounds
from app.core.sqlite import install_sqlite_pragmas
from app.dashboard.views import bp as dashboard_bp
from app.extensions import babel, csrf, db, limiter, migrate
from app.feeds import invalidation as feed_invalidation
from app.feeds.cache import FeedMemory
from app.feeds.cli import feeds_cli
from app.feeds.views import bp as feeds_bp
from app.health.views import bp as health_bp
from app.inbound.cli import mail_cli
from app.inbound.views import bp as inbound_bp
from app.invitations.views import bp as invitations_bp
from app.meetings.blueprint import meetings_blueprint
from app.packs.views import bp as packs_bp
from app.people.views import bp as people_bp
from app.scheduling.cli import scheduler_cli
from app.scheduling.views import bp as scheduler_bp
from app.settings import EXTENSION_KEY, PROJECT_ROOT, Settings, load_settings
from app.sso.cli import sso_cli
from app.sso.views import bp as sso_bp
from app.topics.views import bp as topics_bp
from app.web.errors import register_error_handlers
from app.web.i18n import install_i18n, select_language
from app.web.security import install_security
from app.web.templating import init_templates
from app.web.transactions import install_write_intent
from app.web.viewer import install_viewer

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app from settings (default: config files plus ENTENTE_* environment)."""
    settings = settings or load_settings()
    # APIFlask is a Flask subclass; it builds /api/v1/openapi.json from the API's schemas.
    app = APIFlask(
        __name__,
        title="Entente API",
        version="1",
        spec_path="/api/v1/openapi.json",
        docs_path=None,
        json_errors=False,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
        instance_path=settings.instance_path,
    )
    app.config.from_mapping(_flask_config(settings))
    app.extensions[EXTENSION_KEY] = settings
    # this app's memory of serialised events and joined calendars (app.feeds.cache)
    app.extensions["entente.feed_memory"] = FeedMemory()
    Path(settings.instance_path).mkdir(parents=True, exist_ok=True)

    # this process's record of a database outage (app.core.outage), logged once per incident
    app.extensions["entente.db_incident"] = Incident()
    _init_extensions(app, settings)
    install_security(app, settings)
    install_write_intent(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _flask_config(settings: Settings) -> dict[str, Any]:
    engine_options: dict[str, Any] = {"connect_args": {"timeout": 30}}  # SQLite's busy wait
    if settings.sqlalchemy_url.startswith("postgresql"):
        # checkout pings are made by app.core.pgbounds, under its client-side bound
        engine_options = {"connect_args": connect_args(_bounds(settings))}
    if settings.database_pool_timeout and not settings.sqlalchemy_url.startswith("sqlite"):
        engine_options["pool_timeout"] = settings.database_pool_timeout
    return {
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": settings.sqlalchemy_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "SQLALCHEMY_ECHO": settings.sql_echo,
        "MAX_CONTENT_LENGTH": settings.max_content_length,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure,
        # __Host- cookies are refused by browsers unless Secure, host-only and Path=/.
        "SESSION_COOKIE_NAME": "__Host-entente" if settings.session_cookie_secure else "entente",
        "REMEMBER_COOKIE_SECURE": settings.session_cookie_secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=settings.session_lifetime_hours),
        "TESTING": settings.env == "testing",
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
        "RATELIMIT_HEADERS_ENABLED": True,
    }


def _bounds(settings: Settings) -> Bounds:
    return Bounds(
        connect=settings.database_connect_timeout,
        statement=settings.database_statement_timeout,
        lock=settings.database_lock_timeout,
    )


def _init_extensions(app: APIFlask, settings: Settings) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        default_locale=settings.default_language,
        default_translation_directories="translations",
        locale_selector=select_language,
    )
    install_i18n(app)
    limiter.init_app(app)
    init_login(app)
    install_viewer(app, current_actor)
    feed_invalidation.install()
    with app.app_context():
        install_sqlite_pragmas(db.engine)
        install_postgresql_bounds(db.engine, _bounds(settings))
        watch_recovery(db.engine, app.extensions["entente.db_incident"])


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(health_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(auth_bp)
    for identity_blueprint in (second_factor_bp, factors_bp, account_bp, identity_bp):
        app.register_blueprint(identity_blueprint)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(agendas_bp)
    app.register_blueprint(paper_files_bp)
    app.register_blueprint(packs_bp)
    register_api(app)
    app.register_blueprint(meetings_blueprint())
    app.register_blueprint(invitations_bp)
    app.register_blueprint(inbound_bp)
    for blueprint in (planning_bp, topics_bp, people_bp, audit_bp, admin_bp, sso_bp, scheduler_bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    init_templates(app)


def _register_cli(app: Flask) -> None:
    register_commands(app)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(feeds_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(sso_cli)
