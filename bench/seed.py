"""Time `flask seed-demo --meetings N` on a fresh database and print the figure.

.venv/bin/python bench/seed.py [--meetings 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        env = {**os.environ, "ENTENTE_DATABASE_URL": url, "FLASK_APP": "app"}
        subprocess.run([FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True)
        subprocess.run([FLASK, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(
            [FLASK, "seed-demo", "--meetings", str(args.meetings)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        elapsed = time.perf_counter() - started
    backend = url.split(":", 1)[0]
    print(f"seed-demo --meetings {args.meetings} on {backend}: {elapsed:.2f} s (whole command)")


if __name__ == "__main__":
    main()
