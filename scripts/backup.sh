#!/usr/bin/env bash
# Backups of the portal: the PostgreSQL database (pg_dump custom format) and the files on local storage
# (private files and public media). `make backup` / `make restore FILE=...` call it (README, "Backup").
#   scripts/backup.sh crea DIR          -> DIR/database.dump, DIR/file.tar.gz
#   scripts/backup.sh ripristina DIR    <- into DATABASE_URL (emptied first) and the media folders
# No S3 needed: the target is any folder (a disk, a mounted volume, a network share); with docker compose
# the `backup` service runs this script next to PostgreSQL's own pg_dump (README, "Backup").
# Files on S3 (S3_BUCKET_PRIVATO) are not in the archive: use the object store's versioning/replication.
set -euo pipefail
azione=${1:?"uso: $0 crea|ripristina CARTELLA"}
cartella=${2:?"uso: $0 crea|ripristina CARTELLA"}
: "${DATABASE_URL:?DATABASE_URL non impostata: indica il database PostgreSQL da salvare o ripristinare}"
privati=${MEDIA_PRIVATI_ROOT:-var/privato}
pubblici=${MEDIA_ROOT:-var/media}
case "$azione" in
  crea)
    mkdir -p "$cartella"
    pg_dump --format=custom --no-owner --no-privileges --file="$cartella/database.dump" "$DATABASE_URL"
    mkdir -p "$privati" "$pubblici"
    tar -czf "$cartella/file.tar.gz" \
      -C "$(dirname "$privati")" "$(basename "$privati")" -C "$(cd "$(dirname "$pubblici")" && pwd)" "$(basename "$pubblici")"
    echo "Backup in $cartella: database.dump, file.tar.gz"
    ;;
  ripristina)
    test -f "$cartella/database.dump" && test -f "$cartella/file.tar.gz"
    pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
      --dbname="$DATABASE_URL" "$cartella/database.dump"
    tmp=$(mktemp -d)
    tar -xzf "$cartella/file.tar.gz" -C "$tmp"
    # The folders themselves stay (they may be volume mount points, which cannot be removed or replaced):
    # their contents are emptied and refilled from the archive.
    for coppia in "$privati:$(basename "$privati")" "$pubblici:$(basename "$pubblici")"; do
      destinazione=${coppia%%:*}
      mkdir -p "$destinazione"
      find "$destinazione" -mindepth 1 -delete
      cp -a "$tmp/${coppia#*:}/." "$destinazione/"
    done
    rm -rf "$tmp"
    echo "Ripristinati database e file da $cartella"
    ;;
  *) echo "uso: $0 crea|ripristina CARTELLA" >&2; exit 2 ;;
esac
