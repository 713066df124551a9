"""Unbound extensions; create_app binds them."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

from app.core.db import Base

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
# Document labels in English and French (app/translations); pages themselves are in English.
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Rate limits (login, token endpoints); storage from settings.ratelimit_storage_uri.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def db_session() -> Session:
    """The request's (or command's) database session, to hand to services."""
    return db.session()
