"""`flask mail fetch`: read the inbound mailbox once, as the "inbound-mail" job does."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.core import clock
from app.core.sqlite import write_intent
from app.extensions import db, db_session
from app.inbound.imap import MailboxError
from app.inbound.tasks import fetch_inbound_mail
from app.settings import current_settings

mail_cli = AppGroup("mail", help="Inbound calendar e-mail.")


@mail_cli.command("fetch")
def fetch_command() -> None:
    """Fetch and process the unseen messages of the inbound mailbox now."""
    settings = current_settings()
    if not settings.inbound_imap_host:
        raise click.ClickException(_("No inbound mailbox is configured (inbound_imap_host)."))
    try:
        with write_intent():
            count = fetch_inbound_mail(db_session(), settings, clock.now(), "cli")
            db.session.commit()
    except MailboxError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(_("%(count)d message(s) processed.", count=count))
