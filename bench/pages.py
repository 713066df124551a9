"""Median server time of the main pages with the demo data plus 10,000 synthetic meetings.

.venv/bin/python bench/pages.py [--meetings 10000] [--repeat 30] [--database-url URL]

Seeds a fresh temporary SQLite database (`flask db upgrade`, `flask seed-demo --meetings N`),
signs in as the demo administrator through the login form and times each page through the
Flask test client (no network: the figure is the server's time to build the response).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.settings import load_settings  # noqa: E402

FLASK = str(Path(sys.executable).parent / "flask")
PASSWORD = "bench-admin-password"  # noqa: S105 - a throw-away database
TARGET_MS = 150.0
PAGES = [
    ("dashboard", "/"),
    ("meetings (upcoming, page 1)", "/meetings"),
    ("meetings (all, page 200)", "/meetings?date_from=&page=200"),
    ("meetings search", "/meetings?date_from=&q=Council"),
    ("meetings by topic + status", "/meetings?date_from=&topic=1&status=confirmed"),
    ("meetings by organisation", "/meetings?date_from=&organisation=1"),
    ("calendar (this month)", "/meetings/calendar"),
    ("meeting page (demo)", "/meetings/1"),
    ("meeting page (synthetic)", "/meetings/5000"),
    ("agenda page (demo)", "/meetings/1/agenda"),
    ("create meeting form", "/meetings/new"),
    ("edit meeting form", "/meetings/1/edit"),
    ("invitations", "/invitations"),
    ("planning", "/planning"),
    ("topics", "/topics"),
    ("people", "/people"),
    ("organisations", "/organisations"),
    ("audit log", "/audit"),
    ("users", "/admin/users"),
    ("calendar subscriptions", "/feeds/"),
]


def seed(url: str, meetings: int) -> None:
    env = {**os.environ, "ENTENTE_DATABASE_URL": url, "FLASK_APP": "app"}
    for command in (["db", "upgrade"], ["seed-demo", "--meetings", str(meetings)]):
        subprocess.run(
            [FLASK, *command, "--admin-password", PASSWORD]
            if command[0] == "seed-demo"
            else [FLASK, *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def measure(url: str, repeat: int) -> list[tuple[str, str, float, float]]:
    settings = load_settings(
        environ={"ENTENTE_DATABASE_URL": url, "ENTENTE_SECRET_KEY": "bench-not-secret"},
        env="development",
    )
    app = create_app(settings)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    signed_in = client.post(
        "/login",
        data={"email": "admin@entente.example", "password": PASSWORD, "csrf_token": token[1]},
    )
    assert signed_in.status_code == 302, "sign-in failed"
    results = []
    for name, path in PAGES:
        response = client.get(path)  # warm-up (templates compiled, caches filled)
        assert response.status_code == 200, (path, response.status_code)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            response.get_data()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append((name, path, statistics.median(times), max(times)))
    with app.app_context():
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        seed(url, args.meetings)
        results = measure(url, args.repeat)
    print(f"Demo data + {args.meetings} synthetic meetings, {args.repeat} requests per page")
    print(f"{'page':34} {'median ms':>10} {'max ms':>8}")
    worst = 0.0
    for name, _path, median, top in results:
        worst = max(worst, median)
        flag = "" if median <= TARGET_MS else "  OVER TARGET"
        print(f"{name:34} {median:10.1f} {top:8.1f}{flag}")
    print(f"slowest median: {worst:.1f} ms (target {TARGET_MS:.0f} ms)")
    if worst > TARGET_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
