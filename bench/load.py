"""Load test of the JSON API under gunicorn on PostgreSQL (loopback only, bounded in time).

.venv/bin/python bench/load.py [--duration 60] [--list-duration 20] [--workers 2] [--clients 8]
    [--meetings 2000] [--server-url postgresql://postgres@127.0.0.1:5432/postgres]

Creates a throw-away database on the server, migrates it, seeds the demo data plus N synthetic
meetings, issues an editor token and a topic feed, starts gunicorn on 127.0.0.1, then runs:
1. the API list endpoint alone (GET /api/v1/meetings with filters and pages);
2. the mixed workload: list, get, create, update with If-Match, agenda read, invitations list
   and a calendar feed fetch.
Prints requests/s, p50 and p95 per operation and for each phase; exits non-zero on any error
(a 5xx, a refused connection, an unexpected status). Stops gunicorn and drops the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "bench-password-long-enough"  # noqa: S105 - a throw-away database


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float) -> None:
        with self.lock:
            self.latencies[name].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class Client:
    """One simulated integrator: its own connection, token, and meetings it created."""

    def __init__(self, port: int, token: str, feed_path: str, stats: Stats, seed: int) -> None:
        self.port = port
        self.auth = {"Authorization": f"Bearer {token}"}
        self.feed_path = feed_path
        self.stats = stats
        self.random = random.Random(seed)
        self.mine: list[int] = []
        self.meeting_ids: list[int] = []
        self.connection: http.client.HTTPConnection | None = None

    def call(
        self,
        name: str,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, dict[str, str], bytes]:
        payload = None if body is None else json.dumps(body).encode()
        all_headers = {**self.auth, **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.connection.request(method, path, body=payload, headers=all_headers)
            response = self.connection.getresponse()
            data = response.read()
            status, response_headers = response.status, dict(response.getheaders())
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
        except (OSError, http.client.HTTPException) as error:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            self.stats.error(f"{name}: {type(error).__name__}: {error}")
            return 0, {}, b""
        self.stats.add(name, time.perf_counter() - started)
        if status not in expect:
            self.stats.error(f"{name}: HTTP {status} {data[:200]!r}")
        return status, response_headers, data

    # --- operations ---

    def list_meetings(self) -> None:
        query = {"per_page": "25", "page": str(self.random.randint(1, 20))}
        choice = self.random.random()
        if choice < 0.25:
            query["topic"] = self.random.choice(["russia", "western-balkans", "east-asia"])
        elif choice < 0.5:
            query["status"] = self.random.choice(["tentative", "confirmed"])
        elif choice < 0.75:
            query["start"], query["end"] = "2026-01-01", "2027-12-31"
        status, _, data = self.call(
            "list", "GET", "/api/v1/meetings?" + urllib.parse.urlencode(query)
        )
        if status == 200:
            ids = [item["id"] for item in json.loads(data)["items"]]
            if ids and len(self.meeting_ids) < 500:
                self.meeting_ids.extend(ids)

    def get_meeting(self) -> None:
        if not self.meeting_ids:
            self.list_meetings()
            return
        self.call("get", "GET", f"/api/v1/meetings/{self.random.choice(self.meeting_ids)}")

    def create_meeting(self) -> None:
        day = self.random.randint(0, 700)
        start = time.strftime("%Y-%m-%d", time.gmtime(1_800_000_000 + day * 86_400))
        body = {
            "title": f"Load test meeting {uuid.uuid4().hex[:8]}",
            "kind": "working-group",
            "start": f"{start}T10:00:00",
            "end": f"{start}T12:00:00",
            "timezone": self.random.choice(["Europe/London", "Europe/Brussels"]),
            "topics": ["russia"],
        }
        status, _, data = self.call("create", "POST", "/api/v1/meetings", body, expect=(201,))
        if status == 201:
            self.mine.append(json.loads(data)["id"])

    def update_meeting(self) -> None:
        if not self.mine:
            self.create_meeting()
            return
        meeting_id = self.random.choice(self.mine)
        status, headers, _ = self.call("get", "GET", f"/api/v1/meetings/{meeting_id}")
        if status != 200:
            return
        self.call(
            "update",
            "PATCH",
            f"/api/v1/meetings/{meeting_id}",
            {"venue": f"Room {self.random.randint(1, 999)}"},
            {"If-Match": headers["ETag"]},
        )

    def agenda(self) -> None:
        if self.meeting_ids:
            self.call(
                "agenda", "GET", f"/api/v1/meetings/{self.random.choice(self.meeting_ids)}/agenda"
            )

    def invitations(self) -> None:
        self.call("invitations", "GET", "/api/v1/invitations?open_only=true")

    def feed(self) -> None:
        self.call("feed", "GET", self.feed_path)


MIXED: list[tuple[Callable[[Client], None], int]] = [
    (Client.list_meetings, 30),
    (Client.get_meeting, 25),
    (Client.create_meeting, 10),
    (Client.update_meeting, 15),
    (Client.agenda, 8),
    (Client.invitations, 5),
    (Client.feed, 7),
]


def run_phase(
    clients: list[Client], seconds: float, pick: Callable[[Client], Callable[[Client], None]]
) -> float:
    deadline = time.perf_counter() + seconds

    def loop(client: Client) -> None:
        while time.perf_counter() < deadline:
            pick(client)(client)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def report(title: str, stats: Stats, elapsed: float) -> dict[str, float]:
    everything = [value for values in stats.latencies.values() for value in values]
    print(f"\n{title}: {elapsed:.1f} s, {len(everything)} requests, {len(stats.errors)} errors")
    print(f"{'operation':14}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}")
    rows = sorted(stats.latencies.items(), key=lambda item: -len(item[1]))
    for name, values in [*rows, ("all", everything)]:
        print(
            f"{name:14}{len(values):>10}{len(values) / elapsed:>10.1f}"
            f"{percentile(values, 50) * 1000:>10.1f}{percentile(values, 95) * 1000:>10.1f}"
        )
    for message in stats.errors[:10]:
        print(f"  error: {message}")
    return {
        "requests_per_s": len(everything) / elapsed,
        "p95_ms": percentile(everything, 95) * 1000,
        "errors": len(stats.errors),
    }


def percentile(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


@contextmanager
def throwaway_database(server_url: str) -> Iterator[str]:
    base = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"entente_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[None]:
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection(HOST, port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60, help="mixed workload, seconds")
    parser.add_argument("--list-duration", type=float, default=20, help="list endpoint, seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--meetings", type=int, default=2000, help="synthetic meetings to seed")
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if not 1 <= args.duration <= 600 or not 0 <= args.list_duration <= 600:
        raise SystemExit("durations are bounded to 10 minutes")

    with throwaway_database(args.server_url) as url:
        port = free_port()
        env = {
            **os.environ,
            "FLASK_APP": "app",
            "ENTENTE_ENV": "production",
            "ENTENTE_DATABASE_URL": url,
            "ENTENTE_SECRET_KEY": secrets.token_urlsafe(48),
            "ENTENTE_BASE_URL": f"http://{HOST}:{port}",
        }
        started = time.perf_counter()
        flask(env, "db", "upgrade")
        flask(env, "seed-demo", "--meetings", str(args.meetings), "--admin-password", PASSWORD)
        email = "load-editor@entente.example"
        flask(env, "users", "create", email, "--role", "editor", "--password", PASSWORD)
        token = flask(env, "users", "token", email)
        feed_path = urllib.parse.urlsplit(
            flask(env, "feeds", "subscribe", email, "--scope", "topic:russia")
        ).path
        print(f"seeded demo + {args.meetings} meetings in {time.perf_counter() - started:.1f} s")

        with gunicorn(env, port, args.workers):
            print(f"gunicorn: {args.workers} sync workers on {HOST}:{port}; {args.clients} clients")
            results = {}
            if args.list_duration:
                stats = Stats()
                clients = [Client(port, token, feed_path, stats, n) for n in range(args.clients)]
                elapsed = run_phase(clients, args.list_duration, lambda _c: Client.list_meetings)
                results["list"] = report("API list endpoint (GET /api/v1/meetings)", stats, elapsed)
            stats = Stats()
            clients = [Client(port, token, feed_path, stats, 100 + n) for n in range(args.clients)]
            operations, weights = zip(*MIXED, strict=True)
            elapsed = run_phase(
                clients,
                args.duration,
                lambda client: client.random.choices(operations, weights)[0],
            )
            results["mixed"] = report("Mixed workload", stats, elapsed)
    print(
        "\nsummary "
        + json.dumps({k: {n: round(v, 1) for n, v in r.items()} for k, r in results.items()})
    )
    if any(result["errors"] for result in results.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
