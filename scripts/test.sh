#!/usr/bin/env bash
# One command for the whole suite: installs what the tests need (Python packages, Debian
# packages, PostgreSQL up), runs ruff and mypy, then pytest on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv
log "Installing Entente with its test dependencies"
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
ensure_system_packages
ensure_node
log "Installing the JavaScript test tools (tests/js)"
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error

log "Lint, format and types"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

log "Tests on SQLite"
.venv/bin/pytest -p no:cacheprovider "$@"

PG_URL=${ENTENTE_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}
if ensure_postgres; then
  log "Tests on PostgreSQL ($PG_URL)"
  ENTENTE_TEST_DATABASE_URL=$PG_URL .venv/bin/pytest -p no:cacheprovider -m "not browser" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable and could not be started" >&2
  exit 1
else
  log "PostgreSQL not available here: skipped the PostgreSQL run (CI always runs it)"
fi
