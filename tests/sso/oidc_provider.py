"""panva's oidc-provider (certified OpenID Provider) run with node on loopback for a test.

The config is throwaway: one client, accounts with their claims (e-mail, email_verified,
groups). Its development login page takes any listed account id with any password.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parent.parent / "js"
SCRIPT = JS / "oidc-provider.mjs"
CLIENT_ID = "entente"
CLIENT_SECRET = "oidc-provider-test-client-secret"


@dataclass(frozen=True)
class RealProvider:
    issuer: str

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def oidc_provider(
    directory: Path,
    entente_url: str,
    accounts: Mapping[str, Mapping[str, Any]],
    host: str = "localhost",
) -> Iterator[RealProvider]:
    """Start the provider for an Entente at `entente_url`; stop it afterwards.

    Give it another host name than Entente's ("localhost" against "127.0.0.1", or the other
    way round), so the browser keeps their cookies apart (cookies ignore the port).
    """
    if shutil.which("node") is None:
        pytest.skip("node is not installed (scripts/lib.sh installs it)")
    if not (JS / "node_modules" / "oidc-provider").exists():
        pytest.fail("oidc-provider missing: run npm ci --prefix tests/js")
    port = _free_port()
    issuer = f"http://{host}:{port}"
    config = directory / "oidc-provider.json"
    config.write_text(
        json.dumps(
            {
                "issuer": issuer,
                "port": port,
                "clients": [
                    {
                        "client_id": CLIENT_ID,
                        "client_secret": CLIENT_SECRET,
                        "redirect_uris": [f"{entente_url}/login/sso/callback"],
                        "post_logout_redirect_uris": [f"{entente_url}/login"],
                    }
                ],
                "accounts": accounts,
            }
        )
    )
    process = subprocess.Popen(
        ["node", str(SCRIPT), str(config)],
        cwd=JS,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.strip() != "ready":
            pytest.fail(f"oidc-provider did not start: {line!r}")
        yield RealProvider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
