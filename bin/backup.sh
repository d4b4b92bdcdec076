#!/usr/bin/env bash
# Back up the portal: a PostgreSQL dump of DATABASE_URL (custom format) and a tarball of the
# private media folder (MEDIA_ROOT: attachments and import files), with checksums.
# Usage: bin/backup.sh [DESTINATION_DIR]   (default: $BACKUP_DIR or var/backups, one folder per run)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL (PostgreSQL)}"
media_root="${MEDIA_ROOT:-var/private}"
destination="${1:-${BACKUP_DIR:-var/backups}/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$destination"

# pg_dump takes one consistent snapshot; the media copy follows it, so a file may be newer
# than the dump (harmless: an orphan file), never the other way round for long.
pg_dump --format=custom --no-owner --no-acl --file="$destination/db.dump" "$DATABASE_URL"
if [ -d "$media_root" ]; then
    tar -czf "$destination/media.tar.gz" -C "$media_root" .
else
    tar -czf "$destination/media.tar.gz" --files-from=/dev/null
fi
(cd "$destination" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "$destination"
