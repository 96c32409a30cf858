#!/usr/bin/env bash
# deploy/local/minio.sh — build (go install, pinned), start, stop and report a local MinIO server.
# Binary is cached under $STREAMFORGE_DOWNLOADS_DIR/bin (never in the repo); data under the run dir.
# Usage: minio.sh build|start|stop|status. Must not touch any other component.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MINIO_DIR="$SF_RUN/minio"
MINIO_PID="$MINIO_DIR/minio.pid"
MINIO_LOG="$MINIO_DIR/minio.log"
MINIO_BIN="$SF_DL/bin/minio-$SF_MINIO_VERSION"
GO_HOME="$SF_DL/go"

minio_build() {
  [[ -x "$MINIO_BIN" ]] && return 0
  command -v go >/dev/null 2>&1 || sf_die "Go >= 1.24 is required to build MinIO (go install)"
  local gov
  gov="$(go env GOVERSION)"; gov="${gov#go}"
  local major="${gov%%.*}" minor="${gov#*.}"; minor="${minor%%.*}"
  ((major > 1 || (major == 1 && minor >= 24))) || sf_die "Go >= 1.24 is required to build MinIO (found go$gov)"
  mkdir -p "$GO_HOME" "$SF_DL/bin"
  # One build at a time per download cache (up.sh builds in the background).
  exec 9>"$SF_DL/bin/.minio-build.lock"
  flock 9
  [[ -x "$MINIO_BIN" ]] && return 0
  local blog="$SF_DL/bin/minio-build.log"
  sf_log "minio: building github.com/minio/minio@$SF_MINIO_VERSION with go$gov (cold build takes minutes; log: $blog)"
  if ! env GOPATH="$GO_HOME" GOMODCACHE="$GO_HOME/pkg/mod" GOCACHE="$GO_HOME/build-cache" \
      GOBIN="$GO_HOME/bin" GOFLAGS="-modcacherw -trimpath" GOTOOLCHAIN=local CGO_ENABLED=0 \
      nice -n 10 go install "github.com/minio/minio@$SF_MINIO_VERSION" >"$blog" 2>&1; then
    sf_tail "$blog" 40
    sf_die "minio: go install failed"
  fi
  mv "$GO_HOME/bin/minio" "$MINIO_BIN.tmp"
  chmod 0755 "$MINIO_BIN.tmp"
  mv "$MINIO_BIN.tmp" "$MINIO_BIN"
  # The compile cache (~1 GB) is only useful for rebuilding this exact version; the module cache stays.
  rm -rf "$GO_HOME/build-cache"
  sf_log "minio: built $MINIO_BIN"
}

minio_ready() {
  curl -fsS -o /dev/null "http://$STREAMFORGE_HOST:$STREAMFORGE_MINIO_PORT/minio/health/ready"
}

minio_start() {
  if sf_pid_alive "$MINIO_PID"; then
    sf_log "minio: already running (pid $(sf_pid "$MINIO_PID"))"
  else
    minio_build
    sf_require_free_port minio "$STREAMFORGE_MINIO_PORT"
    sf_require_free_port minio-console "$STREAMFORGE_MINIO_CONSOLE_PORT"
    mkdir -p "$MINIO_DIR/data"
    ((${#MINIO_ROOT_PASSWORD} >= 8)) || sf_die "minio: MINIO_ROOT_PASSWORD must have at least 8 characters"
    sf_log "minio: starting on $STREAMFORGE_HOST:$STREAMFORGE_MINIO_PORT (console $STREAMFORGE_MINIO_CONSOLE_PORT)"
    MINIO_ROOT_USER="$MINIO_ROOT_USER" MINIO_ROOT_PASSWORD="$MINIO_ROOT_PASSWORD" MINIO_UPDATE=off \
      setsid "$MINIO_BIN" server "$MINIO_DIR/data" \
      --address "$STREAMFORGE_HOST:$STREAMFORGE_MINIO_PORT" \
      --console-address "$STREAMFORGE_HOST:$STREAMFORGE_MINIO_CONSOLE_PORT" \
      >>"$MINIO_LOG" 2>&1 </dev/null &
    echo $! >"$MINIO_PID"
  fi
  sf_wait minio "$STREAMFORGE_START_TIMEOUT" "$MINIO_LOG" "$MINIO_PID" minio_ready || exit 1
  node "$SF_LOCAL_DIR/s3-bucket.mjs" ensure-bucket ||
    { sf_tail "$MINIO_LOG" 20; sf_die "minio: could not create bucket '$STREAMFORGE_BUCKET'"; }
}

minio_status() {
  if sf_pid_alive "$MINIO_PID" && minio_ready 2>/dev/null; then
    echo "minio      running  pid $(sf_pid "$MINIO_PID")  s3 http://$STREAMFORGE_HOST:$STREAMFORGE_MINIO_PORT  console http://$STREAMFORGE_HOST:$STREAMFORGE_MINIO_CONSOLE_PORT  bucket $STREAMFORGE_BUCKET"
  elif sf_pid_alive "$MINIO_PID"; then
    echo "minio      starting pid $(sf_pid "$MINIO_PID") (not ready)"; return 1
  else
    echo "minio      stopped"; return 1
  fi
}

case "${1:-}" in
  build) minio_build ;;
  start) minio_start ;;
  stop) sf_stop_pid minio "$MINIO_PID" 20 ;;
  status) minio_status ;;
  *) echo "usage: $0 build|start|stop|status" >&2; exit 2 ;;
esac
