"""Calendar subscriptions: create, list, revoke, rotate, and find one by its token.

The token is the only credential a calendar server can present, so it carries 256 random
bits, is shown once, and only its SHA-256 hash is stored. A lookup goes by the hash (an
index probe that reveals nothing about the token) and is confirmed in constant time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.audit import services as audit
from app.auth.models import Role, User
from app.core import clock, validation
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.core.languages import supported
from app.core.security import hash_token, new_token, token_matches
from app.feeds.cache import FeedPlan, plan_feed
from app.feeds.models import FeedScope, FeedSubscription
from app.feeds.selection import Audience, Selection, window_start
from app.meetings.catalogue import kind_label
from app.meetings.models import MeetingKind
from app.people.models import Organisation, Person
from app.topics.models import TopicArea

# A fetch is recorded at most this often per subscription, so polling never means a write.
FETCH_RECORD_INTERVAL = timedelta(minutes=5)
SCOPE_HELP = "all, topic:SLUG, organisation:CODE, person:ID or kind:SLUG"


def parse_scope(text: str) -> tuple[FeedScope, str]:
    """'topic:russia' → (FeedScope.TOPIC, 'russia'); 'all' → (FeedScope.ALL, '')."""
    kind, _sep, ref = (text or "").strip().partition(":")
    try:
        scope = FeedScope(kind.strip().lower())
    except ValueError:
        raise ValidationError(
            _("Scope must be one of: %(SCOPE_HELP)s", SCOPE_HELP=SCOPE_HELP), field="scope"
        ) from None
    return scope, ref.strip()


def describe_scope(session: Session, scope: FeedScope, scope_ref: str) -> str:
    """A reader's name for a scope: 'All meetings', 'Topic: Russia', ..."""
    if scope is FeedScope.ALL:
        return _("All meetings")
    if scope is FeedScope.TOPIC:
        name = session.scalar(select(TopicArea.name).where(TopicArea.slug == scope_ref))
        return _("Topic: %(name)s", name=name or scope_ref)
    if scope is FeedScope.ORGANISATION:
        name = session.scalar(select(Organisation.name).where(Organisation.code == scope_ref))
        return _("Organisation: %(name)s", name=name or scope_ref)
    if scope is FeedScope.PERSON:
        person_id = validation.parse_id(scope_ref)
        person = session.get(Person, person_id) if person_id is not None else None
        return _("Person: %(name)s", name=person.display_name if person else scope_ref)
    kind = session.scalar(select(MeetingKind).where(MeetingKind.slug == scope_ref))
    return _("Kind: %(name)s", name=kind_label(kind) if kind else scope_ref)


def create_subscription(
    session: Session,
    actor: User | None,
    scope: FeedScope | str,
    scope_ref: str = "",
    label: str = "",
    *,
    user: User | None = None,
    all_history: bool = False,
) -> tuple[FeedSubscription, str]:
    """A new private feed for `user` (default: the actor); returns it and its token, once.
    It holds meetings that ended within the last year and all later ones, or with
    `all_history` every meeting however old."""
    owner = user or actor
    if owner is None:
        raise ValidationError(_("A subscription belongs to a user"), field="user")
    if actor is not None and actor.id != owner.id and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Only an administrator may subscribe someone else"))
    feed_scope = validation.choice(FeedScope, scope, "scope")
    ref = _checked_ref(session, feed_scope, scope_ref)
    token = new_token()
    subscription = FeedSubscription(
        user_id=owner.id,
        scope=feed_scope,
        scope_ref=ref,
        label=validation.text(label, "label", max_length=200, required=False),
        token_hash=hash_token(token),
        created_at=clock.now(),
        all_history=bool(all_history),
    )
    session.add(subscription)
    session.flush()
    audit.record(
        session,
        actor,
        "feed.created",
        "feed_subscription",
        subscription.id,
        f"Calendar subscription for {owner.email} ({feed_scope.value}{':' + ref if ref else ''})",
        {"user_id": owner.id, "scope": feed_scope, "scope_ref": ref, "all_history": all_history},
    )
    return subscription, token


def list_subscriptions(session: Session, user: User) -> Sequence[FeedSubscription]:
    """The user's subscriptions that still work, newest first."""
    return session.scalars(
        select(FeedSubscription)
        .where(FeedSubscription.user_id == user.id, FeedSubscription.revoked_at.is_(None))
        .order_by(FeedSubscription.created_at.desc(), FeedSubscription.id.desc())
    ).all()


def revoke_subscription(session: Session, actor: User | None, subscription_id: int) -> None:
    """The URL stops working at once (404)."""
    subscription = _owned(session, actor, subscription_id)
    subscription.revoked_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "feed.revoked",
        "feed_subscription",
        subscription.id,
        "Calendar subscription revoked",
    )


def rotate_subscription(session: Session, actor: User | None, subscription_id: int) -> str:
    """A new token for the same subscription; the old URL stops working. Returns the token."""
    subscription = _owned(session, actor, subscription_id)
    token = new_token()
    subscription.token_hash = hash_token(token)
    subscription.last_fetched_at = None
    session.flush()
    audit.record(
        session,
        actor,
        "feed.rotated",
        "feed_subscription",
        subscription.id,
        "Calendar subscription given a new address",
    )
    return token


def subscription_for_token(session: Session, token: str) -> FeedSubscription:
    """The live subscription behind a token; NotFound for unknown, revoked or disabled."""
    candidate = None
    if 20 <= len(token) <= 100:
        candidate = session.scalar(
            select(FeedSubscription)
            .where(FeedSubscription.token_hash == hash_token(token))
            .options(joinedload(FeedSubscription.user))
        )
    if (
        candidate is None
        or not token_matches(token, candidate.token_hash)
        or candidate.revoked_at is not None
        or not candidate.user.is_active
    ):
        raise NotFound(_("No such calendar feed"), field="token")
    return candidate


def fetch_due(subscription: FeedSubscription) -> bool:
    """Whether this fetch should be written down (at most one write per interval)."""
    last = subscription.last_fetched_at
    return last is None or clock.now() - last >= FETCH_RECORD_INTERVAL


def record_fetch(session: Session, subscription: FeedSubscription) -> None:
    """Note that a calendar fetched the feed (callers check `fetch_due` first)."""
    subscription.last_fetched_at = clock.now()
    session.flush()


def _owned(session: Session, actor: User | None, subscription_id: int) -> FeedSubscription:
    subscription = session.get(FeedSubscription, subscription_id)
    if subscription is None or subscription.revoked_at is not None:
        raise NotFound(_("No such calendar subscription"), field="subscription")
    if actor is not None and actor.id != subscription.user_id and not actor.has_role(Role.ADMIN):
        raise NotFound(_("No such calendar subscription"), field="subscription")
    return subscription


def _checked_ref(session: Session, scope: FeedScope, ref: str) -> str:
    ref = (ref or "").strip()
    if scope is FeedScope.ALL:
        if ref:
            raise ValidationError(_("The scope 'all' takes no value"), field="scope")
        return ""
    if not ref:
        raise ValidationError(
            _("Give a value for the scope %(value)s", value=scope.value), field="scope"
        )
    if scope is FeedScope.TOPIC:
        found = session.scalar(select(TopicArea.id).where(TopicArea.slug == ref))
        what = _("No topic area with slug %(ref)s", ref=repr(ref))
    elif scope is FeedScope.ORGANISATION:
        found = session.scalar(select(Organisation.id).where(Organisation.code == ref))
        what = _("No organisation with code %(ref)s", ref=repr(ref))
    elif scope is FeedScope.PERSON:
        person_id = validation.parse_id(ref)
        person = session.get(Person, person_id) if person_id is not None else None
        found = person.id if person else None
        what = _("No person with id %(ref)s", ref=repr(ref))
    else:
        found = session.scalar(select(MeetingKind.id).where(MeetingKind.slug == ref))
        what = _("No meeting kind with slug %(ref)s", ref=repr(ref))
    if found is None:
        raise ValidationError(what, field="scope")
    return ref


def feed_url(base_url: str, token: str) -> str:
    """The address of the calendar feed for this secret token."""
    return f"{base_url.rstrip('/')}/feeds/{token}.ics"


def webcal_url(url: str) -> str:
    """The same address with the webcal scheme, which opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[-1]


def plan_for_subscription(
    session: Session,
    subscription: FeedSubscription,
    *,
    base_url: str,
    refresh_minutes: int,
    home_zone: str,
    default_language: str = "en",
) -> FeedPlan:
    """The feed plan for a subscription: its scope as its owner may read it, over
    all history or the default window, named by its label or its scope, in its owner's
    language (else `default_language`)."""
    since = None if subscription.all_history else window_start(clock.now())
    selection = Selection(
        subscription.scope, subscription.scope_ref, Audience.of(subscription.user), since
    )
    language = supported(subscription.user.language) or default_language
    with force_locale(language):
        name = subscription.label or (
            "Entente: " + describe_scope(session, subscription.scope, subscription.scope_ref)
        )
    key = f"subscription:{subscription.id}"
    return plan_feed(selection, name, base_url, refresh_minutes, home_zone, key, language)


def plan_public(
    *, base_url: str, refresh_minutes: int, home_zone: str, language: str = "en"
) -> FeedPlan:
    """The public feed: public meetings, in the default window and the service's language."""
    selection = Selection(FeedScope.ALL, "", Audience.public(), window_start(clock.now()))
    with force_locale(language):
        name = _("Entente: public meetings")
    return plan_feed(selection, name, base_url, refresh_minutes, home_zone, "public", language)
