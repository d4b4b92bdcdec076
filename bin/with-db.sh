#!/usr/bin/env bash
# Run a command against DATABASE_URL, or, when it is unset, against the embedded PostgreSQL
# server under var/pgdata: started first if it is not running, and then stopped when the
# command ends (however it ends). A server that was already running is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi
if DATABASE_URL="$(.venv/bin/python bin/pg_embedded.py url 2>/dev/null)"; then
  export DATABASE_URL
  exec "$@"
fi
DATABASE_URL="$(.venv/bin/python bin/pg_embedded.py start)"
export DATABASE_URL
trap '.venv/bin/python bin/pg_embedded.py stop' EXIT
trap 'exit 130' INT TERM
"$@"
