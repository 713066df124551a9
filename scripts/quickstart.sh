#!/usr/bin/env bash
# One command for a newcomer: virtual environment, install, migrations, demo data, then serve
# the app on http://127.0.0.1:${PORT:-5000} (SQLite in instance/, no server needed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv
log "Installing Entente into .venv"
.venv/bin/pip install --quiet --disable-pip-version-check -e .
export FLASK_APP=app ENTENTE_ENV=${ENTENTE_ENV:-development}
log "Applying database migrations"
.venv/bin/flask db upgrade
log "Loading demo data"
.venv/bin/flask seed-demo
log "Serving on http://127.0.0.1:${PORT:-5000} (Ctrl-C to stop)"
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
