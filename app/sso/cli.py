"""`flask sso password-sign-in-on`: the way back in when the provider fails, passwords off."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db, db_session
from app.sso import services as sso

sso_cli = AppGroup("sso", help="Single sign-on (OpenID Connect).")


@sso_cli.command("password-sign-in-on")
def password_sign_in_on_command() -> None:
    """Let every role sign in with a password again (audited)."""
    sso.password_sign_in_on(db_session(), None)
    db.session.commit()
    click.echo(_("Password sign-in is on again for every role."))
