"""Calendar feed speed: full feed and 304 in-process, and requests/s under gunicorn + wrk.

.venv/bin/python bench/feeds.py [--meetings 10000] [--wrk-meetings 1000] [--duration 10]

1. A temporary SQLite database seeded with `flask seed-demo --meetings N`; an administrator
   subscribes to "all" twice: with all history (every meeting in scope) and with the default
   window (meetings that ended within the last year, and later ones). In-process (Flask test
   client), for each: the first request (builds the event cache), then the median of full
   200 answers and of 304 answers (If-None-Match).
2. A second database with `--wrk-meetings` meetings, served by gunicorn (2 workers on
   127.0.0.1); after a warm-up request, `wrk` fetches the all-history feed for `--duration`
   seconds.
Targets (issue 3): full ≤ 60 ms and 304 ≤ 5 ms for 10,000 meetings; ≥ 150 requests/s for
the 1,000-meeting feed.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = secrets.token_hex(32)  # a throwaway key for the temporary app


def prepare(folder: Path, meetings: int) -> tuple[dict[str, str], dict[str, str]]:
    """A migrated, seeded database; returns its environment and the admin's feed paths
    ("all": all history, "window": the default window)."""
    url = f"sqlite:///{folder / 'feeds.sqlite3'}"
    env = {
        **os.environ,
        "ENTENTE_DATABASE_URL": url,
        "ENTENTE_SECRET_KEY": SECRET,
        "ENTENTE_BASE_URL": "https://entente.example",
        "ENTENTE_INSTANCE_PATH": str(folder / "instance"),
        "FLASK_APP": "app",
    }
    flask = [str(BIN / "flask")]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "seed-demo", "--meetings", str(meetings)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    paths = {}
    for name, extra in (("all", ["--all-history"]), ("window", [])):
        out = subprocess.run(
            [*flask, "feeds", "subscribe", "admin@entente.example", "--scope", "all", *extra],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        paths[name] = out.strip().splitlines()[-1].removeprefix("https://entente.example")
    return env, paths


def in_process(env: dict[str, str], path: str, rounds: int) -> dict[str, float]:
    os.environ.update(env)
    from app import create_app  # imported once the environment is set
    from app.feeds.cache import forget_joined, forget_memory

    app = create_app()
    client = app.test_client()
    forget_memory()
    started = time.perf_counter()
    first = client.get(path)
    cold = time.perf_counter() - started
    assert first.status_code == 200, first.status_code
    events = first.data.count(b"BEGIN:VEVENT")
    etag = first.headers["ETag"]
    full = []  # joined from the event cache each time (the joined-calendar memo emptied)
    for _ in range(rounds):
        forget_joined()
        started = time.perf_counter()
        response = client.get(path)
        full.append(time.perf_counter() - started)
        assert response.status_code == 200
    repeat = []  # the same calendar again, unchanged: served from the joined-calendar memo
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        repeat.append(time.perf_counter() - started)
        assert response.status_code == 200
    not_modified = []
    for _ in range(rounds * 5):
        started = time.perf_counter()
        response = client.get(path, headers={"If-None-Match": etag})
        not_modified.append(time.perf_counter() - started)
        assert response.status_code == 304
    return {
        "events": events,
        "bytes": len(first.data),
        "cold_ms": cold * 1000,
        "full_ms": statistics.median(full) * 1000,
        "repeat_ms": statistics.median(repeat) * 1000,
        "not_modified_ms": statistics.median(not_modified) * 1000,
    }


def under_gunicorn(env: dict[str, str], path: str, duration: int) -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian package wrk; see scripts/lib.sh)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}{path}"
        body = b""
        for _ in range(100):
            try:
                for _worker in range(4):  # warm both workers' caches and connections
                    with urllib.request.urlopen(url, timeout=60) as response:
                        body = response.read()
                break
            except OSError:
                time.sleep(0.2)
        events = body.count(b"BEGIN:VEVENT")
        result = subprocess.run(
            [wrk, "-t2", "-c8", f"-d{duration}s", "--timeout", "10s", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    if rate is None:
        raise SystemExit(f"could not read wrk output:\n{result}")
    return {
        "events": events,
        "bytes": len(body),
        "load": os.getloadavg()[0],
        "rps": float(rate.group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--wrk-meetings", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=10, help="wrk seconds (max 60)")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as big, tempfile.TemporaryDirectory() as small:
        env, paths = prepare(Path(big), args.meetings)
        for name, path in paths.items():
            local = in_process(env, path, args.rounds)
            print(
                f"in-process, {name} feed, {local['events']:.0f} events "
                f"({local['bytes'] / 1e6:.2f} MB): "
                f"first request (cache build) {local['cold_ms']:.0f} ms, "
                f"full feed median {local['full_ms']:.1f} ms (target ≤ 60; joined from the "
                f"event cache), unchanged repeat {local['repeat_ms']:.1f} ms, "
                f"304 median {local['not_modified_ms']:.2f} ms (target ≤ 5)"
            )
        env, paths = prepare(Path(small), args.wrk_meetings)
        served = under_gunicorn(env, paths["all"], min(args.duration, 60))
        print(
            f"gunicorn 2 workers + wrk -t2 -c8 -d{min(args.duration, 60)}s, "
            f"{served['events']:.0f} events ({served['bytes'] / 1e3:.0f} kB): "
            f"{served['rps']:.0f} requests/s (target ≥ 150), non-2xx {served['errors']:.0f}, "
            f"load average {served['load']:.1f} on {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
