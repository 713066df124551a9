"""Calendar feed subscriptions: the caller's own (admins: anyone's by id). The feed URL holds
a token shown once, when the subscription is made or rotated; these calls are rate-limited
like the other token endpoints."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, Nested
from apiflask.validators import Length

from app.api.auth import current_api_user, requires
from app.api.common import Moment, Text, api_blueprint, no_content
from app.api.users import sign_in_limit
from app.auth.models import Role
from app.extensions import db, db_session, limiter
from app.feeds import services as feeds
from app.feeds.models import FeedSubscription
from app.settings import Settings, current_settings
from app.web.links import public_base_url

bp = api_blueprint("api_subscriptions", __name__, "/subscriptions", "Subscriptions")
blueprints = (bp,)


class SubscriptionOut(Schema):
    id = Integer(required=True)
    user_id = Integer(required=True)
    scope = Text(required=True)
    scope_ref = Text(required=True)
    label = Text(required=True)
    created_at = Moment(required=True)
    last_fetched_at = Moment(required=True, allow_none=True)
    all_history = Boolean(required=True)


class SubscriptionIn(Schema):
    scope = Text(
        required=True,
        validate=Length(min=1, max=120),
        metadata={"description": feeds.SCOPE_HELP, "example": "topic:russia"},
    )
    label = Text(load_default="", validate=Length(max=200))
    all_history = Boolean(
        load_default=False,
        metadata={
            "description": "Every meeting however old; by default the feed holds meetings "
            "that ended within the last year and all later ones"
        },
    )


class FeedUrlOut(Schema):
    subscription = Nested(SubscriptionOut, required=True)
    url = Text(required=True, metadata={"description": "Private: shown once"})
    webcal = Text(required=True)


def _urls(subscription: FeedSubscription, token: str) -> dict[str, Any]:
    settings: Settings = current_settings()
    url = feeds.feed_url(public_base_url(settings), token)
    return {"subscription": subscription, "url": url, "webcal": feeds.webcal_url(url)}


@bp.get("")
@requires(bp, Role.VIEWER)
@bp.output(SubscriptionOut(many=True))
def list_subscriptions() -> Any:
    """Your calendar subscriptions that still work, newest first."""
    return list(feeds.list_subscriptions(db_session(), current_api_user()))


@bp.post("")
@limiter.limit(sign_in_limit)
@requires(bp, Role.VIEWER)
@bp.input(SubscriptionIn, location="json")
@bp.output(FeedUrlOut, status_code=201)
def subscribe(json_data: dict[str, Any]) -> Any:
    """Subscribe to all meetings you may see, a topic, an organisation, a person or a kind."""
    kind, ref = feeds.parse_scope(json_data["scope"])
    subscription, token = feeds.create_subscription(
        db_session(),
        current_api_user(),
        kind,
        ref,
        json_data["label"],
        all_history=json_data["all_history"],
    )
    db.session.commit()
    return _urls(subscription, token), 201


@bp.post("/<int:subscription_id>/rotate")
@limiter.limit(sign_in_limit)
@requires(bp, Role.VIEWER)
@bp.output(FeedUrlOut)
def rotate(subscription_id: int) -> Any:
    """A new address for the subscription; the old one stops working at once."""
    session = db_session()
    token = feeds.rotate_subscription(session, current_api_user(), subscription_id)
    db.session.commit()
    subscription = session.get(FeedSubscription, subscription_id)
    assert subscription is not None
    return _urls(subscription, token)


@bp.delete("/<int:subscription_id>")
@requires(bp, Role.VIEWER)
@bp.output({}, status_code=204)
def revoke(subscription_id: int) -> Any:
    """Revoke a subscription: its feed answers 404 from now on."""
    feeds.revoke_subscription(db_session(), current_api_user(), subscription_id)
    db.session.commit()
    return no_content()
