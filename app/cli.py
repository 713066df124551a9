"""Command line: `flask seed-demo`, `flask users ...`, `flask consultations ...`."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.agendas.cli import agendas_cli
from app.auth import factors, linking
from app.auth import services as auth
from app.auth.models import Role
from app.consultations import services as planning
from app.core import clock
from app.core.errors import EntenteError
from app.core.sqlite import write_intent
from app.demo import seed_demo, seed_synthetic
from app.extensions import db, db_session
from app.settings import current_settings

F = TypeVar("F", bound=Callable[..., Any])
DEMO_PASSWORD = "entente-demo-admin"  # noqa: S105 (published: the demo sign-in)

users_cli = AppGroup("users", help="Manage users and API tokens.")
consultations_cli = AppGroup(
    "consultations", help="Semi-annual planning of the strategic consultations."
)


def in_transaction(func: F) -> F:
    """Run a command as one unit of work; a service error becomes a clear CLI message.
    On SQLite it takes the write lock up front, so it queues behind web writers rather than
    failing with "database is locked" (see app/core/sqlite.py)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with write_intent():
                result = func(*args, **kwargs)
                db.session.commit()
            return result
        except EntenteError as error:
            db.session.rollback()
            where = f" ({error.field})" if error.field else ""
            raise click.ClickException(f"{error.message}{where}") from error

    return wrapper  # type: ignore[return-value]


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.VIEWER.value,
    show_default=True,
)
@click.option("--password", help="Omit to be prompted (hidden input).")
@click.option("--name", default="")
@in_transaction
def create_user_command(email: str, role: str, password: str | None, name: str) -> None:
    """Create a user who signs in with EMAIL."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = auth.create_user(db_session(), None, email, role, password=password, name=name)
    click.echo(_("Created %(value)s %(email)s", value=user.role.value, email=user.email))


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli", help="The token's name.")
@click.option(
    "--days",
    type=click.IntRange(1, auth.MAX_TOKEN_DAYS),
    default=None,
    help="Days until it expires (default: the api_token_days setting).",
)
@in_transaction
def token_command(email: str, label: str, days: int | None) -> None:
    """Issue a new API token for EMAIL; the token is the last line printed."""
    user = auth.get_user_by_email(db_session(), email)
    lifetime = days or current_settings().api_token_days
    token = auth.issue_api_token(db_session(), None, user.id, label, days=lifetime)
    click.echo(
        _(
            "API token for %(email)s, valid %(days)s days (shown once; send it as "
            "'Authorization: Bearer <token>'):",
            email=user.email,
            days=lifetime,
        )
    )
    click.echo(token)


@users_cli.command("link")
@click.argument("email")
@click.argument("person_id", type=click.IntRange(1, 2**31 - 1))
@in_transaction
def link_command(email: str, person_id: int) -> None:
    """Link the account EMAIL to the person PERSON_ID (ends their sessions; audited)."""
    user = auth.get_user_by_email(db_session(), email)
    linking.link_person(db_session(), None, user.id, person_id)
    assert user.person is not None
    click.echo(_("%(email)s is now %(name)s", email=user.email, name=user.person.display_name))


@users_cli.command("unlink")
@click.argument("email")
@in_transaction
def unlink_command(email: str) -> None:
    """Unlink the account EMAIL from its person (ends their sessions; audited)."""
    user = auth.get_user_by_email(db_session(), email)
    linking.link_person(db_session(), None, user.id, None)
    click.echo(_("%(email)s is no longer linked to a person", email=user.email))


@users_cli.command("reset-factors")
@click.argument("email")
@in_transaction
def reset_factors_command(email: str) -> None:
    """Remove every second factor and recovery code of EMAIL and end their sessions (the
    way back in when the last administrator lost their phone or key; audited)."""
    user = auth.get_user_by_email(db_session(), email)
    factors.reset_factors(db_session(), None, user)
    click.echo(
        _(
            "Second factors of %(email)s removed; they set up a new one at their next sign-in",
            email=user.email,
        )
    )


@users_cli.command("list")
def list_users_command() -> None:
    """List users with their role and status."""
    for user in auth.list_users(db_session()):
        person = f" person {user.person_id}" if user.person_id else ""
        click.echo(
            f"{user.email:40} {user.role.value:7} "
            f"{'active' if user.is_active else 'disabled'}{person}"
        )


@click.command("seed-demo")
@click.option(
    "--meetings",
    "synthetic",
    type=click.IntRange(min=0, max=1_000_000),
    default=0,
    help="Also add this many synthetic meetings (for benchmarks).",
)
@click.option(
    "--admin-password",
    envvar="ENTENTE_DEMO_PASSWORD",
    default=DEMO_PASSWORD,
    show_default=True,
)
@in_transaction
def seed_demo_command(synthetic: int, admin_password: str) -> None:
    """Load realistic demo data (idempotent) and print the demo sign-in."""
    if current_settings().is_production and (admin_password == DEMO_PASSWORD):
        # Demo accounts (admin, editor, viewer) with a published password: not in production.
        raise click.UsageError(_("In production give the demo users a password of your own"))
    started = time.perf_counter()
    summary = seed_demo(db_session(), today=clock.now().date(), admin_password=admin_password)
    db.session.commit()
    click.echo(summary)
    if synthetic:
        count = seed_synthetic(db_session(), synthetic)
        click.echo(_("Added %(count)s synthetic meetings", count=count))
    click.echo(_("Seeded in %(value)s s", value=format(time.perf_counter() - started, ".1f")))
    users = ", ".join(f"{role}@entente.example" for role in ("admin", "editor", "viewer"))
    click.echo(
        _(
            "Demo sign-in (one password for all three): %(users)s / %(password)s",
            users=users,
            password=admin_password,
        )
    )


@consultations_cli.command("plan")
@click.option("--series", default="strategic-consultations", show_default=True)
@click.option(
    "--from", "first", default=None, help="First half-year, e.g. 2026-H1 (default: last year H1)."
)
@click.option("--to", "last", default=None, help="Last half-year (default: two years ahead).")
@click.option("--apply", is_flag=True, help="Create tentative meetings for the proposals.")
@in_transaction
def plan_command(series: str, first: str | None, last: str | None, apply: bool) -> None:
    """Show each half-year's consultation, the gaps, and proposals."""
    today = clock.now().date()
    start = (
        planning.HalfYear.parse(first, "from") if first else planning.HalfYear(today.year - 1, 1)
    )
    end = planning.HalfYear.parse(last, "to") if last else planning.HalfYear(today.year + 2, 2)
    plans = planning.plan_series(db_session(), series, start, end, today)
    for plan in plans:
        detail = ", ".join(f"{planning.local_day(m):%d %b %Y} {m.host_city}" for m in plan.meetings)
        if plan.proposal:
            detail = f"proposed {plan.proposal.start:%a %d %b %Y} in {plan.proposal.host_city}"
        flag = "  ⚑ moved out of its half-year" if plan.flagged else ""
        click.echo(f"{plan.half.label}  {plan.state.value:9}  {detail}{flag}")
    if apply:
        created = planning.schedule_proposals(db_session(), None, series, plans)
        click.echo(_("Scheduled %(len)s tentative consultation(s)", len=len(created)))


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(agendas_cli)
    app.cli.add_command(consultations_cli)
    app.cli.add_command(seed_demo_command)
