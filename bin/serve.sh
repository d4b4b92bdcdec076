#!/usr/bin/env bash
# Run the portal as in production: web (gunicorn), worker and beat from the Procfile, through
# honcho, on PostgreSQL and Redis, with DEBUG off. Migrates and collects static files first.
# Needs DATABASE_URL (PostgreSQL), REDIS_URL and SECRET_KEY (from the environment or .env).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f .env ]; then set -a; . ./.env; set +a; fi
missing=0
for name in DATABASE_URL REDIS_URL SECRET_KEY; do
    if [ -z "${!name:-}" ]; then echo "serve: set $name (see README, 'Serving it for real')" >&2; missing=1; fi
done
[ "$missing" = 0 ] || exit 2
case "$DATABASE_URL" in
    postgres://* | postgresql://* | pgsql://*) ;;
    *) echo "serve: DATABASE_URL must point at PostgreSQL" >&2; exit 2 ;;
esac

export DEBUG=0
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p var

python manage.py migrate --noinput
python manage.py compilemessages --ignore=.venv -v0 || echo "serve: compilemessages failed (is gettext installed?); English only" >&2
python manage.py collectstatic --noinput -v0
python manage.py check --deploy --fail-level ERROR
echo "serve: http://${GUNICORN_BIND:-127.0.0.1:8000}/  (health: /healthz, /readyz; metrics: /metrics)"
exec honcho start -f Procfile
