"""`flask feeds subscribe|list|revoke`: calendar subscriptions from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.auth import services as auth
from app.core.errors import EntenteError
from app.extensions import db, db_session
from app.feeds import services as feeds
from app.settings import current_settings
from app.web.links import public_base_url

feeds_cli = AppGroup("feeds", help="Calendar subscriptions (private .ics feeds).")


def _fail(error: EntenteError) -> click.ClickException:
    db.session.rollback()
    where = f" ({error.field})" if error.field else ""
    return click.ClickException(f"{error.message}{where}")


@feeds_cli.command("subscribe")
@click.argument("email")
@click.option("--scope", default="all", show_default=True, help=feeds.SCOPE_HELP)
@click.option("--label", default="", help="Name the calendar shows.")
@click.option(
    "--all-history",
    is_flag=True,
    help="Every meeting however old (default: those that ended within the last year, and later).",
)
def subscribe_command(email: str, scope: str, label: str, all_history: bool) -> None:
    """Create a private feed for EMAIL; its URL is the last line printed (shown once)."""
    try:
        user = auth.get_user_by_email(db_session(), email)
        kind, ref = feeds.parse_scope(scope)
        subscription, token = feeds.create_subscription(
            db_session(), None, kind, ref, label, user=user, all_history=all_history
        )
        db.session.commit()
    except EntenteError as error:
        raise _fail(error) from error
    url = feeds.feed_url(public_base_url(current_settings()), token)
    click.echo(
        _(
            "Subscription %(id)s for %(email)s (%(scope)s); keep this URL private:",
            id=subscription.id,
            email=user.email,
            scope=scope,
        )
    )
    click.echo(_("webcal: %(webcal_url)s", webcal_url=feeds.webcal_url(url)))
    click.echo(url)


@feeds_cli.command("list")
@click.argument("email")
def list_command(email: str) -> None:
    """List EMAIL's live subscriptions."""
    try:
        user = auth.get_user_by_email(db_session(), email)
    except EntenteError as error:
        raise _fail(error) from error
    for item in feeds.list_subscriptions(db_session(), user):
        fetched = f"{item.last_fetched_at:%Y-%m-%d %H:%M}Z" if item.last_fetched_at else "never"
        scope = feeds.describe_scope(db_session(), item.scope, item.scope_ref)
        click.echo(
            _(
                "%(id)s  %(scope)s  fetched %(fetched)s  %(label)s",
                id=format(item.id, "6"),
                scope=format(scope, "40"),
                fetched=fetched,
                label=item.label,
            )
        )


@feeds_cli.command("revoke")
@click.argument("subscription_id", type=int)
def revoke_command(subscription_id: int) -> None:
    """Revoke a subscription by id; its URL answers 404 from now on."""
    try:
        feeds.revoke_subscription(db_session(), None, subscription_id)
        db.session.commit()
    except EntenteError as error:
        raise _fail(error) from error
    click.echo(_("Revoked subscription %(subscription_id)s", subscription_id=subscription_id))
