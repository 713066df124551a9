"""`flask sso password-sign-in-on`: the way back in when the provider fails, passwords off."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.auth import services as auth
from app.core.errors import EntenteError
from app.extensions import db, db_session
from app.sso import services as sso
from app.sso.signin import forget_subject

sso_cli = AppGroup("sso", help="Single sign-on (OpenID Connect).")


@sso_cli.command("password-sign-in-on")
def password_sign_in_on_command() -> None:
    """Let every role sign in with a password again (audited)."""
    sso.password_sign_in_on(db_session(), None)
    db.session.commit()
    click.echo(_("Password sign-in is on again for every role."))


@sso_cli.command("forget")
@click.argument("email")
def forget_command(email: str) -> None:
    """Unbind EMAIL's account from its provider subject, e.g. after the provider recreated the
    person (audited); the next single sign-on binds it again."""
    try:
        user = auth.get_user_by_email(db_session(), email)
    except EntenteError as error:
        raise click.ClickException(error.message) from error
    forgotten = forget_subject(db_session(), None, user)
    db.session.commit()
    click.echo(
        _("%(email)s is no longer bound to a provider subject.", email=user.email)
        if forgotten
        else _("%(email)s was not bound to a provider subject.", email=user.email)
    )
