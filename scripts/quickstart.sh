#!/usr/bin/env bash
# One command for a newcomer: virtual environment, install, migrations, demo data, then serve
# the app on http://127.0.0.1:${PORT:-5000} (SQLite in instance/, no server needed), with the
# scheduler (reminders, e-mail) running beside it and stopped with it.
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
mkdir -p instance
log "Starting the scheduler in the background (log: instance/scheduler.log)"
.venv/bin/flask scheduler run >>instance/scheduler.log 2>&1 &
scheduler_pid=$!
stop_scheduler() {
  kill -TERM "$scheduler_pid" 2>/dev/null || true
  wait "$scheduler_pid" 2>/dev/null || true
}
trap stop_scheduler EXIT
trap 'exit 130' INT TERM
log "Serving on http://127.0.0.1:${PORT:-5000} (Ctrl-C to stop both)"
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
