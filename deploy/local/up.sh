#!/usr/bin/env bash
# deploy/local/up.sh — bring the native CDC stack up, idempotently, in dependency order:
# PostgreSQL, MariaDB, Kafka (KRaft), Kafka Connect + Debezium, MinIO (+ bucket). Each step waits until
# the component is really usable. Usage: up.sh [--register] (also registers deploy/connectors/*.json).
# Downloads go to $STREAMFORGE_DOWNLOADS_DIR, state to $STREAMFORGE_STACK_DIR; nothing into the repo.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

register=0
for a in "$@"; do
  case "$a" in
    --register) register=1 ;;
    *) echo "usage: $0 [--register]" >&2; exit 2 ;;
  esac
done

mkdir -p "$SF_RUN" "$SF_DL"
t0=$SECONDS

# The MinIO build is the long pole of a cold start: run it in the background while the rest starts.
minio_build_pid=""
if [[ ! -x "$SF_DL/bin/minio-$SF_MINIO_VERSION" ]]; then
  sf_log "up: building MinIO in the background (first run only)"
  bash "$SF_LOCAL_DIR/minio.sh" build >"$SF_RUN/minio-build.out" 2>&1 &
  minio_build_pid=$!
fi

step() {
  local c="$1" s=$SECONDS
  bash "$SF_LOCAL_DIR/$c.sh" start
  sf_log "up: $c ok ($((SECONDS - s))s)"
}

step postgres
step mariadb
step kafka
step connect
if [[ -n "$minio_build_pid" ]]; then
  sf_log "up: waiting for the MinIO build"
  wait "$minio_build_pid" || { cat "$SF_RUN/minio-build.out" >&2; sf_die "up: MinIO build failed"; }
fi
step minio
if ((register)); then
  bash "$SF_LOCAL_DIR/register-connectors.sh"
fi
sf_log "up: stack ready in $((SECONDS - t0))s (run dir $SF_RUN)"
bash "$SF_LOCAL_DIR/status.sh" || true
