"""A tiny OpenID provider that misbehaves on request, for the tests a certified one cannot do.

It serves discovery, JWKS, an authorisation endpoint that answers at once (no login page) and
a token endpoint that checks the client's secret and the PKCE verifier like a real one, then
returns the ID token the test asked for: another audience, a foreign signing key, an old
nonce, an expired token, an unverified address... signed with keys the test controls.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "entente-tests"
CLIENT_SECRET = "hostile-provider-client-secret"
KID = "key-1"


@dataclass
class HostileProvider:
    """What the test steers: `claims` are merged into each ID token, `sign` picks the key."""

    key: RSAKey
    rogue_key: RSAKey
    issuer: str = ""
    kid: str = KID
    claims: dict[str, Any] = field(default_factory=dict)
    sign: Callable[[dict[str, Any], HostileProvider], str] | None = None
    nonces: list[str] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def id_token(self, request: dict[str, str]) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "subject-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": request["nonce"],
            "email": "editor@entente.test",
            "email_verified": True,
        }
        claims.update(self.claims)
        claims = {name: value for name, value in claims.items() if value is not None}
        if self.sign is not None:
            return self.sign(claims, self)
        return signed(claims, self.key, kid=self.kid)


def signed(claims: dict[str, Any], key: RSAKey, alg: str = "RS256", kid: str = KID) -> str:
    return jwt.encode({"alg": alg, "kid": kid}, claims, key)


def _handler(provider: HostileProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                self._json(
                    {
                        "issuer": provider.issuer,
                        "authorization_endpoint": f"{provider.issuer}/authorize",
                        "token_endpoint": f"{provider.issuer}/token",
                        "jwks_uri": f"{provider.issuer}/jwks",
                        "end_session_endpoint": f"{provider.issuer}/logout",
                        "scopes_supported": ["openid", "email", "profile", "groups"],
                        "response_types_supported": ["code"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                )
            elif parts.path == "/jwks":
                key = provider.key.as_dict(private=False, kid=provider.kid, use="sig")
                self._json({"keys": [key]})
            elif parts.path == "/authorize":
                self._authorize(query)
            else:
                self.send_error(404)

        def _authorize(self, query: dict[str, str]) -> None:
            code = secrets.token_urlsafe(16)
            provider.codes[code] = query
            provider.nonces.append(query.get("nonce", ""))
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.token_requests.append(form)
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                self._json({"error": "invalid_client"}, 401)
                return
            request = provider.codes.pop(form.get("code", ""), None)
            if request is None or not _pkce_ok(request, form.get("code_verifier", "")):
                self._json({"error": "invalid_grant"}, 400)
                return
            self._json(
                {
                    "access_token": "opaque",
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": provider.id_token(request),
                }
            )

        def _json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _pkce_ok(request: dict[str, str], verifier: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return request.get("code_challenge_method") == "S256" and secrets.compare_digest(
        request.get("code_challenge", ""), challenge
    )


@contextmanager
def hostile_provider(key: RSAKey, rogue_key: RSAKey) -> Iterator[HostileProvider]:
    provider = HostileProvider(key=key, rogue_key=rogue_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
