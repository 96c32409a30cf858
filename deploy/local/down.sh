#!/usr/bin/env bash
# deploy/local/down.sh — stop every component of the native stack by its recorded pid file, in reverse
# start order. Usage: down.sh [--purge] (--purge also deletes the run dir: data, logs, Kafka topics).
# Never deletes the download cache ($STREAMFORGE_DOWNLOADS_DIR) and never kills processes it did not start.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=0
for a in "$@"; do
  case "$a" in
    --purge) purge=1 ;;
    *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
  esac
done

for c in connect kafka minio mariadb postgres; do
  bash "$SF_LOCAL_DIR/$c.sh" stop
done
if ((purge)); then
  [[ -n "$SF_RUN" && "$SF_RUN" != "/" && "$SF_RUN" != "$HOME" ]] || sf_die "refusing to purge '$SF_RUN'"
  rm -rf "$SF_RUN"
  sf_log "down: purged $SF_RUN"
fi
