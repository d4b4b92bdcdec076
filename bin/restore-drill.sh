#!/usr/bin/env bash
# Restore drill: back up DATABASE_URL and MEDIA_ROOT (bin/backup.sh), restore both into a
# scratch database and folder, then prove the copy works: `manage.py check`, no unapplied
# migration, the same rows in every table, the same media files. Cleans up after itself.
# Bounded: the whole drill stops after DRILL_TIMEOUT seconds (default 1800).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL (PostgreSQL)}"
case "$DATABASE_URL" in
    postgres://* | postgresql://* | pgsql://*) ;;
    *) echo "restore-drill: DATABASE_URL must point at PostgreSQL" >&2; exit 2 ;;
esac
if [ -z "${DRILL_BOUNDED:-}" ]; then
    export DRILL_BOUNDED=1
    exec timeout --kill-after=30 "${DRILL_TIMEOUT:-1800}" "$0" "$@"
fi

PYTHON="${PYTHON:-.venv/bin/python}"
started=$(date +%s)
media_root="${MEDIA_ROOT:-var/private}"
work="$(mktemp -d "${TMPDIR:-/tmp}/iren-restore-drill.XXXXXX")"
scratch_name="iren_restore_drill_$$"
# The same server and credentials, another database name (libpq URLs; pgsql:// is Django's).
url_for() {
    "$PYTHON" -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1].replace("pgsql://", "postgresql://", 1))
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$DATABASE_URL" "$1"
}
source_url="$(url_for "$("$PYTHON" -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$DATABASE_URL")")"
scratch_url="$(url_for "$scratch_name")"
maintenance_url="$(url_for postgres)"

cleanup() {
    psql -q "$maintenance_url" -c "DROP DATABASE IF EXISTS $scratch_name WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# One statement per database: every table of the public schema with its row count.
COUNT_SQL="SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"

echo "restore-drill: counting the original and backing it up"
psql -XAtq -F' ' "$source_url" -c "$COUNT_SQL" > "$work/before.txt"
bin/backup.sh "$work/backup" >/dev/null
psql -XAtq -F' ' "$source_url" -c "$COUNT_SQL" > "$work/after.txt"
(cd "$work/backup" && sha256sum --check --quiet SHA256SUMS)

echo "restore-drill: restoring into the scratch database $scratch_name"
psql -q "$maintenance_url" -c "CREATE DATABASE $scratch_name" >/dev/null
pg_restore --no-owner --no-acl --exit-on-error --dbname="$scratch_url" "$work/backup/db.dump"
mkdir -p "$work/media"
tar -xzf "$work/backup/media.tar.gz" -C "$work/media"

echo "restore-drill: checking the restored copy"
DATABASE_URL="$scratch_url" MEDIA_ROOT="$work/media" REDIS_URL="" "$PYTHON" manage.py check
DATABASE_URL="$scratch_url" MEDIA_ROOT="$work/media" REDIS_URL="" "$PYTHON" manage.py migrate --check >/dev/null \
    || { echo "restore-drill: the restored database has unapplied migrations" >&2; exit 1; }
psql -XAtq -F' ' "$scratch_url" -c "$COUNT_SQL" > "$work/restored.txt"

# Rows: the restored count of each table lies between the counts taken just before and just
# after the dump (a live portal keeps writing while the drill runs).
if ! paste -d' ' "$work/before.txt" "$work/after.txt" "$work/restored.txt" | awk '
    $1 != $3 || $1 != $5 { print "table list differs at " $1 " / " $3 " / " $5; bad = 1; next }
    { low = ($2 < $4) ? $2 : $4; high = ($2 < $4) ? $4 : $2
      if ($6 < low || $6 > high) { print $1 ": original " $2 "-" $4 " rows, restored " $6; bad = 1 }
      tables++; rows += $6 }
    END { if (!bad) printf "restore-drill: %d tables, %d rows match\n", tables, rows; exit bad }'
then
    [ "$(wc -l < "$work/before.txt")" = "$(wc -l < "$work/restored.txt")" ] || echo "restore-drill: table counts differ" >&2
    exit 1
fi

# Media: the same files with the same content.
original_files=0
if [ -d "$media_root" ]; then
    original_files=$(find "$media_root" -type f | wc -l)
    (cd "$media_root" && find . -type f -print0 | sort -z | xargs -0r sha256sum) > "$work/media-original.sha"
    (cd "$work/media" && find . -type f -print0 | sort -z | xargs -0r sha256sum) > "$work/media-restored.sha"
    if ! diff -q "$work/media-original.sha" "$work/media-restored.sha" >/dev/null; then
        echo "restore-drill: media files differ (a file written during the drill?)" >&2
        diff "$work/media-original.sha" "$work/media-restored.sha" | head -20 >&2
        exit 1
    fi
fi
echo "restore-drill: $original_files media files match"
echo "restore-drill: passed in $(( $(date +%s) - started )) s"
