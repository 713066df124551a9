"""Calendar feeds over HTTP (no login: the token is the credential) and the page where a
user manages their subscriptions."""

from __future__ import annotations

import gzip

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from app.auth.models import Role
from app.auth.web import current_actor, role_required
from app.core.sqlite import write_intent
from app.extensions import csrf, db, db_session
from app.feeds import services as feeds
from app.feeds import state as feed_state
from app.feeds.cache import FeedMemory, FeedPlan, render_feed, store_events
from app.feeds.forms import SubscriptionActionForm, SubscriptionForm
from app.feeds.models import FeedSubscription
from app.meetings import catalogue
from app.people import services as people
from app.settings import Settings, current_settings
from app.topics import services as topics
from app.web.links import public_base_url
from app.web.nav import nav_link
from app.web.unit_of_work import run_change

bp = Blueprint("feeds", __name__)
nav_link(bp, "feeds.subscriptions", _l("Calendar subscriptions"), Role.VIEWER, order=60)
CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _settings() -> Settings:
    settings: Settings = current_settings()
    return settings


@bp.get("/feeds/public.ics")
@csrf.exempt
def public_feed() -> ResponseReturnValue:
    """Meetings marked public, for anyone."""
    settings = _settings()
    plan = feeds.plan_public(
        base_url=public_base_url(settings),
        refresh_minutes=settings.feed_refresh_minutes,
        home_zone=settings.display_timezone,
        language=settings.default_language,
    )
    return _serve(db_session(), plan, None, cache_control="public, no-cache", filename="public")


@bp.get("/feeds/<token>.ics")
@csrf.exempt
def subscription_feed(token: str) -> ResponseReturnValue:
    """A private feed; unknown or revoked tokens are 404."""
    settings = _settings()
    subscription = feeds.subscription_for_token(db_session(), token)
    plan = feeds.plan_for_subscription(
        db_session(),
        subscription,
        base_url=public_base_url(settings),
        refresh_minutes=settings.feed_refresh_minutes,
        home_zone=settings.display_timezone,
        default_language=settings.default_language,
    )
    return _serve(
        db_session(), plan, subscription, cache_control="private, no-cache", filename="entente"
    )


def _serve(
    session: Session,
    plan: FeedPlan,
    subscription: FeedSubscription | None,
    cache_control: str,
    filename: str,
) -> ResponseReturnValue:
    """304 when the client's copy is current, otherwise the calendar, gzipped only when the
    client accepts gzip (q > 0). RFC 9110 section 13.2.2: If-None-Match, when sent, decides
    alone; If-Modified-Since counts only without it. HEAD answers like GET without a body."""
    gzipped = request.accept_encodings["gzip"] > 0
    rendered = render_feed(session, plan, _memory())
    etag = f"{rendered.etag}-gz" if gzipped else rendered.etag
    last_modified = feed_state.last_modified(session, plan.feed_key, rendered.etag)
    db.session.commit()  # end the read transaction
    record = subscription is not None and feeds.fetch_due(subscription)
    if rendered.rebuilt or record or last_modified is None:
        with write_intent():  # a write transaction of its own (BEGIN IMMEDIATE on SQLite)
            store_events(session, rendered.rebuilt)
            if last_modified is None:
                last_modified = feed_state.record(session, plan.feed_key, rendered.etag)
            if subscription is not None and record:
                feeds.record_fetch(session, subscription)
            db.session.commit()
    if request.if_none_match:
        fresh = request.if_none_match.contains_weak(etag)
    else:
        since = request.if_modified_since
        fresh = since is not None and last_modified <= since
    status = 304 if fresh else 200
    response = Response(b"" if fresh else rendered.body, status=status, content_type=CALENDAR_TYPE)
    if status == 200 and gzipped:
        response.set_data(gzip.compress(rendered.body, compresslevel=5, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = cache_control
    # inline: a browser that follows the link may show or hand it to the calendar app; the
    # name is what a download is saved as (never the token)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _memory() -> FeedMemory:
    memory: FeedMemory = current_app.extensions["entente.feed_memory"]
    return memory


@bp.route("/feeds/", methods=["GET", "POST"])
@role_required(Role.VIEWER)
def subscriptions() -> ResponseReturnValue:
    """My calendar subscriptions: create one (its address is shown once), list them."""
    session = db_session()
    user = current_actor()
    assert user is not None
    form = SubscriptionForm()
    form.scope.choices = _scope_choices(session)
    new_url = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            change = run_change(
                lambda: feeds.create_subscription(
                    session,
                    user,
                    *feeds.parse_scope(form.scope.data or ""),
                    form.label.data or "",
                    all_history=bool(form.all_history.data),
                ),
                form=form,
            )
            if change.problem:  # no field of its own: it is about the scope chosen
                form.scope.errors = [*form.scope.errors, change.problem]
            elif change.result is not None:
                new_url = feeds.feed_url(public_base_url(_settings()), change.result[1])
                form = _fresh_form(session)
                status = 201
    return _page(session, form, new_url, status)


@bp.post("/feeds/<int:subscription_id>/revoke")
@role_required(Role.VIEWER)
def revoke(subscription_id: int) -> ResponseReturnValue:
    """Stop a subscription's address working."""
    session = db_session()
    if SubscriptionActionForm().validate_on_submit():
        run_change(lambda: feeds.revoke_subscription(session, current_actor(), subscription_id))
    return _page(session, _fresh_form(session), None, 200, notice="Subscription revoked.")


@bp.post("/feeds/<int:subscription_id>/rotate")
@role_required(Role.VIEWER)
def rotate(subscription_id: int) -> ResponseReturnValue:
    """Give a subscription a new address; the old one stops working."""
    session = db_session()
    new_url = None
    if SubscriptionActionForm().validate_on_submit():
        change = run_change(
            lambda: feeds.rotate_subscription(session, current_actor(), subscription_id)
        )
        new_url = feeds.feed_url(public_base_url(_settings()), change.result or "")
    return _page(session, _fresh_form(session), new_url, 200)


def _fresh_form(session: Session) -> SubscriptionForm:
    form = SubscriptionForm(formdata=None)
    form.scope.choices = _scope_choices(session)
    return form


def _page(
    session: Session,
    form: SubscriptionForm,
    new_url: str | None,
    status: int,
    notice: str | None = None,
) -> ResponseReturnValue:
    user = current_actor()
    assert user is not None
    rows = [
        (item, feeds.describe_scope(session, item.scope, item.scope_ref))
        for item in feeds.list_subscriptions(session, user)
    ]
    return (
        render_template(
            "feeds/subscriptions.html",
            form=form,
            action_form=SubscriptionActionForm(),
            rows=rows,
            new_url=new_url,
            new_webcal=feeds.webcal_url(new_url) if new_url else None,
            notice=notice,
        ),
        status,
    )


def _scope_choices(session: Session) -> list[SelectChoice]:
    """Every scope a subscription can take, grouped by kind ("topic:russia", ...)."""
    choices = [SelectChoice("all", "All meetings I may see")]
    choices += [
        SelectChoice(f"topic:{t.slug}", topics.topic_name(t), optgroup="Topic area")
        for t in topics.list_topics(session)
    ]
    choices += [
        SelectChoice(f"organisation:{o.code}", o.name, optgroup="Organisation")
        for o in people.list_organisations(session)
    ]
    choices += [
        SelectChoice(f"person:{p.id}", p.display_name, optgroup="Person")
        for p in people.list_people(session)
    ]
    choices += [
        SelectChoice(f"kind:{k.slug}", catalogue.kind_label(k), optgroup="Kind of meeting")
        for k in catalogue.list_kinds(session)
    ]
    return choices
