"""The OpenID Connect relying party: discovery, the authorisation request and the ID token check.

Authorisation code flow with PKCE (S256), a fresh state and nonce per attempt, the code traded
at the token endpoint with the client secret (Authlib's OAuth2Session), and the ID token
verified with joserfc (Authlib's successor for JOSE): signature against the provider's JWKS
(asymmetric algorithms only, never "none" or a MAC), issuer, audience (and `azp` when there
are several), expiry, issue time and nonce. Nothing here knows Flask or the database: the view
keeps the `Flow` in the signed session cookie and passes it back.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from app.core import clock
from app.core.errors import EntenteError

TIMEOUT_SECONDS = 10
CACHE_SECONDS = 300
LEEWAY_SECONDS = 60
WELL_KNOWN = "/.well-known/openid-configuration"
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class SignInRefused(EntenteError):
    """The provider's answer cannot be trusted, or the person may not come in.

    `reason` is a stable code for the audit log and the tests; `message` is for the person.
    """

    code = "sso_refused"
    http_status = 403

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ProviderUnavailable(EntenteError):
    """The provider did not answer, or answered with something that is not OpenID Connect."""

    code = "sso_unavailable"
    http_status = 502


@dataclass(frozen=True)
class Connection:
    """What the relying party needs to talk to one provider."""

    discovery_url: str
    client_id: str
    client_secret: str
    extra_scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    scopes_supported: tuple[str, ...]


@dataclass(frozen=True)
class Flow:
    """One sign-in attempt, kept in the signed session between the two legs."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flow | None:
        try:
            return cls(**{key: str(data[key]) for key in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None


_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _fetch_json(url: str, *, fresh: bool = False) -> Any:
    """GET a JSON document, cached for a few minutes per URL (discovery and JWKS)."""
    with _cache_lock:
        cached = _cache.get(url)
    if cached is not None and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(
            _("The sign-in provider did not answer; try again later or use another way in")
        ) from error
    with _cache_lock:
        _cache[url] = (time.monotonic(), document)
    return document


def forget_cached() -> None:
    """Drop cached discovery documents and key sets (after the provider is changed)."""
    with _cache_lock:
        _cache.clear()


def metadata(discovery_url: str) -> Metadata:
    """The provider's discovery document, checked: its issuer must be the URL it came from
    (OpenID Connect Discovery 1.0, section 4.3), and the endpoints a code flow needs exist."""
    document = _fetch_json(discovery_url)
    if not isinstance(document, dict):
        raise ProviderUnavailable(_("The sign-in provider's discovery document is not valid"))
    expected_issuer = discovery_url.removesuffix(WELL_KNOWN)
    try:
        found = Metadata(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            end_session_endpoint=document.get("end_session_endpoint") or None,
            scopes_supported=tuple(document.get("scopes_supported") or ()),
        )
    except KeyError as error:
        raise ProviderUnavailable(
            _("The sign-in provider's discovery document has no %(name)s", name=error.args[0])
        ) from error
    if found.issuer.rstrip("/") != expected_issuer.rstrip("/"):
        raise ProviderUnavailable(
            _("The sign-in provider's discovery document names another issuer than its address")
        )
    return found


def begin(connection: Connection, redirect_uri: str) -> tuple[str, Flow]:
    """The provider's authorisation URL to send the browser to, and the flow to keep."""
    meta = metadata(connection.discovery_url)
    flow = Flow(
        state=generate_token(32),
        nonce=generate_token(32),
        code_verifier=generate_token(64),
        redirect_uri=redirect_uri,
    )
    scopes = ["openid", "email", "profile"]
    scopes += [s for s in connection.extra_scopes if s in meta.scopes_supported and s not in scopes]
    client = OAuth2Session(
        connection.client_id,
        scope=" ".join(scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, _state = client.create_authorization_url(
        meta.authorization_endpoint,
        state=flow.state,
        nonce=flow.nonce,
        code_verifier=flow.code_verifier,
    )
    return url, flow


def finish(connection: Connection, flow: Flow | None, answer: Mapping[str, str]) -> dict[str, Any]:
    """The verified ID token claims for the provider's `answer` (the callback's query)."""
    if flow is None or not secrets.compare_digest(answer.get("state", ""), flow.state):
        raise SignInRefused(
            "state", _("This sign-in link has expired or was already used; start again")
        )
    if answer.get("error"):
        raise SignInRefused("provider_error", _("The sign-in provider did not sign you in"))
    meta = metadata(connection.discovery_url)
    if "iss" in answer and answer["iss"] != meta.issuer:  # RFC 9207: a mixed-up provider
        raise SignInRefused("issuer", _("The answer came from another sign-in provider"))
    id_token = _trade_code(connection, meta, flow, answer.get("code", ""))
    return verify_id_token(meta, connection.client_id, id_token, flow.nonce)


def _trade_code(connection: Connection, meta: Metadata, flow: Flow, code: str) -> str:
    client = OAuth2Session(
        connection.client_id,
        connection.client_secret,
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
        redirect_uri=flow.redirect_uri,
        default_timeout=TIMEOUT_SECONDS,
    )
    try:
        token = client.fetch_token(
            meta.token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=flow.code_verifier,
        )
    except (OAuth2Error, requests.RequestException, ValueError) as error:
        raise SignInRefused(
            "token_endpoint", _("The sign-in provider refused to complete the sign-in")
        ) from error
    id_token = token.get("id_token") if isinstance(token, Mapping) else None
    if not isinstance(id_token, str) or not id_token:
        raise SignInRefused("no_id_token", _("The sign-in provider sent no identity"))
    return id_token


def verify_id_token(meta: Metadata, client_id: str, id_token: str, nonce: str) -> dict[str, Any]:
    """The claims of a signed, current ID token for this client and this attempt."""
    decoded = _decode(meta, id_token)
    claims = dict(decoded.claims)
    now = int(clock.now().timestamp())
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": meta.issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as error:
        raise _untrusted("expired") from error
    except (InvalidClaimError, MissingClaimError) as error:
        raise _untrusted(_claim_named(error)) from error
    except ClaimError as error:  # issued in the future, not yet valid
        raise _untrusted("time") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise _untrusted("aud")
    return claims


def _decode(meta: Metadata, id_token: str) -> Any:
    """Check the signature, fetching the key set again once for a key id it does not know
    (the provider rotated its keys)."""
    for fresh in (False, True):
        keys = KeySet.import_key_set(_fetch_json(meta.jwks_uri, fresh=fresh))
        try:
            return jwt.decode(id_token, keys, algorithms=sorted(SIGNING_ALGORITHMS))
        except BadSignatureError as error:
            raise _untrusted("signature") from error
        except (JoseError, ValueError) as error:
            if fresh or "kid" not in str(error).lower():
                raise _untrusted("signature") from error
    raise _untrusted("signature")  # pragma: no cover - the loop returns or raises


def _claim_named(error: ClaimError) -> str:
    """ "aud", "iss", "nonce"... (a missing one may name several: "iat,nonce")."""
    return error.claim.replace(",", "_") or "claims"


def _untrusted(reason: str) -> SignInRefused:
    return SignInRefused(
        f"id_token_{reason}",
        _("The sign-in provider's answer could not be verified, so you were not signed in"),
    )


def logout_url(discovery_url: str, client_id: str, after: str) -> str | None:
    """RP-initiated logout at the provider, when it offers an end_session_endpoint."""
    endpoint = metadata(discovery_url).end_session_endpoint
    if not endpoint:
        return None
    query = urlencode({"client_id": client_id, "post_logout_redirect_uri": after})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
