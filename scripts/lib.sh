# Shared helpers for the set-up and test scripts (sourced, not run).

log() { printf '\n==> %s\n' "$*"; }

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    log "Creating the virtual environment .venv"
    "${PYTHON:-python3}" -m venv .venv
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# Debian packages the tests need: Chromium (browser tests), poppler (PDF to image),
# Pango (WeasyPrint), fonts with wide script coverage, wrk (bench/feeds.py), Dovecot (a real
# IMAP server for the inbound-mail tests), LibreOffice without its GUI (briefing packs convert
# Word, OpenDocument, Excel and PowerPoint papers).
SYSTEM_PACKAGES="wrk dovecot-imapd chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-wqy-microhei libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"

ensure_system_packages() {
  local missing=""
  for package in $SYSTEM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing="$missing $package"
  done
  [ -z "$missing" ] && return 0
  if ! command -v apt-get >/dev/null; then
    log "Missing system packages:$missing (install them with your package manager)"
    return 1
  fi
  log "Installing system packages:$missing"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq $missing >/dev/null
}

# Node.js and npm run the OpenID provider the single sign-on tests start (tests/js): the
# machine's own when present, else Debian's.
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  if ! command -v apt-get >/dev/null; then
    log "Node.js and npm are missing (install them with your package manager)"
    return 1
  fi
  log "Installing Node.js and npm"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
}

# Make sure the local PostgreSQL answers; start the cluster if it is installed but down.
ensure_postgres() {
  local host=${PGHOST:-127.0.0.1} port=${PGPORT:-5432}
  if pg_isready -q -h "$host" -p "$port" 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    log "Starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do
      pg_isready -q -h "$host" -p "$port" 2>/dev/null && return 0
      sleep 1
    done
  fi
  return 1
}
