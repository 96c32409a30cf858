# deploy/local/lib.sh — shared helpers for the native StreamForge CDC stack scripts (sourced, never run).
# Defines pinned versions, ports, directories, pid-file handling and readiness waits.
# Must not start or download anything by itself; each component script does that explicitly.
# shellcheck shell=bash disable=SC2034  # (variables are used by the scripts that source this file)

set -euo pipefail

SF_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SF_DEPLOY_DIR="$(cd "$SF_LOCAL_DIR/.." && pwd)"

# ---- pinned versions (every download is pinned; bump deliberately) ---------------------------------
: "${SF_KAFKA_VERSION:=4.1.1}"                  # org.apache.kafka:kafka_2.13 / connect-runtime
: "${SF_DEBEZIUM_VERSION:=3.5.0.Final}"         # plugin bundles kafka-clients/connect-api 4.1.1 (3.4.1+ mariadb plugins are not on Central)
: "${SF_LOG4J2_VERSION:=2.24.3}"                # Kafka 4.1's log4j2 version
: "${SF_MVN_DEP_PLUGIN:=org.apache.maven.plugins:maven-dependency-plugin:3.8.1}"
# MinIO publishes no semver tags; the Go proxy serves only this pseudo-version (master 7aac2a2c5b7c,
# 2026-02-12, after RELEASE.2025-10-15T17-29-55Z, includes the conditional-put quorum fix).
: "${SF_MINIO_VERSION:=v0.0.0-20260212201848-7aac2a2c5b7c}"
: "${SF_PG_MAJOR:=15}"

# ---- directories -----------------------------------------------------------------------------------
: "${STREAMFORGE_STACK_DIR:=$HOME/.cache/streamforge/stack}"
: "${STREAMFORGE_DOWNLOADS_DIR:=$HOME/.cache/streamforge/downloads}"
SF_RUN="$STREAMFORGE_STACK_DIR"
SF_DL="$STREAMFORGE_DOWNLOADS_DIR"
SF_M2="$SF_DL/m2"                                # private Maven local repository

# ---- ports (all bound to 127.0.0.1) ---------------------------------------------------------------
: "${STREAMFORGE_HOST:=127.0.0.1}"
: "${STREAMFORGE_KAFKA_PORT:=19092}"
: "${STREAMFORGE_KAFKA_CONTROLLER_PORT:=19093}"
: "${STREAMFORGE_CONNECT_PORT:=18083}"
: "${STREAMFORGE_PG_PORT:=15432}"
: "${STREAMFORGE_MARIADB_PORT:=13306}"
: "${STREAMFORGE_MINIO_PORT:=19000}"
: "${STREAMFORGE_MINIO_CONSOLE_PORT:=19001}"

# ---- credentials / names (local development defaults, documented in deploy/README.md) ---------------
: "${STREAMFORGE_PG_DB:=shop}"
: "${STREAMFORGE_PG_USER:=postgres}"
: "${STREAMFORGE_PG_PASSWORD:=postgres}"
: "${STREAMFORGE_MARIADB_DB:=shop}"
: "${STREAMFORGE_MARIADB_USER:=debezium}"
: "${STREAMFORGE_MARIADB_PASSWORD:=debezium}"
: "${MINIO_ROOT_USER:=streamforge}"
: "${MINIO_ROOT_PASSWORD:=streamforge-secret}"
: "${STREAMFORGE_BUCKET:=warehouse}"
: "${STREAMFORGE_START_TIMEOUT:=120}"          # seconds each component may take to become usable

export STREAMFORGE_STACK_DIR STREAMFORGE_DOWNLOADS_DIR STREAMFORGE_HOST \
  STREAMFORGE_KAFKA_PORT STREAMFORGE_KAFKA_CONTROLLER_PORT STREAMFORGE_CONNECT_PORT STREAMFORGE_PG_PORT \
  STREAMFORGE_MARIADB_PORT STREAMFORGE_MINIO_PORT STREAMFORGE_MINIO_CONSOLE_PORT STREAMFORGE_PG_DB \
  STREAMFORGE_PG_USER STREAMFORGE_PG_PASSWORD STREAMFORGE_MARIADB_DB STREAMFORGE_MARIADB_USER \
  STREAMFORGE_MARIADB_PASSWORD MINIO_ROOT_USER MINIO_ROOT_PASSWORD STREAMFORGE_BUCKET

sf_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
sf_die() { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# sf_tail FILE [N] — print the last N lines of a log with a header (used on every failure).
sf_tail() {
  local f="$1" n="${2:-40}"
  if [[ -f "$f" ]]; then
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2 || true
    printf -- '-----\n' >&2
  fi
}

# sf_pid_alive PIDFILE — true when the file names a running process.
sf_pid_alive() {
  local f="$1" pid
  [[ -f "$f" ]] || return 1
  pid="$(head -n1 "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null
}

sf_pid() { head -n1 "$1" 2>/dev/null || true; }

# sf_stop_pid NAME PIDFILE [GRACE_SECONDS] [SIGNAL] — signal the recorded pid (default TERM), wait,
# SIGKILL as a last resort.
sf_stop_pid() {
  local name="$1" f="$2" grace="${3:-30}" sig="${4:-TERM}" pid i
  if ! sf_pid_alive "$f"; then
    rm -f "$f"
    sf_log "$name: not running"
    return 0
  fi
  pid="$(sf_pid "$f")"
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    sf_log "$name: pid $pid ignored SIG$sig for ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$f"
  sf_log "$name: stopped (pid $pid)"
}

# sf_port_busy PORT — true when something listens on 127.0.0.1:PORT (or any address).
sf_port_busy() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$port" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/$STREAMFORGE_HOST/$port") 2>/dev/null
  fi
}

# sf_port_open PORT — true when a TCP connect to $STREAMFORGE_HOST:PORT succeeds (cheap pre-check).
sf_port_open() { (exec 3<>"/dev/tcp/$STREAMFORGE_HOST/$1") 2>/dev/null; }

# sf_require_free_port NAME PORT — fail clearly when a foreign process already holds the port.
sf_require_free_port() {
  local name="$1" port="$2"
  if sf_port_busy "$port"; then
    sf_die "$name: port $port is already in use by another process (override with the matching STREAMFORGE_*_PORT variable)"
  fi
}

# sf_wait NAME TIMEOUT LOGFILE PIDFILE CMD... — poll CMD until it succeeds; on timeout or when the
# process dies, print a clear error plus the log tail and return 1 (a timed-out process is stopped).
sf_wait() {
  local name="$1" timeout="$2" logf="$3" pidf="$4"
  shift 4
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$pidf" ]] && ! sf_pid_alive "$pidf"; then
      sf_log "$name: process exited during start-up"
      sf_tail "$logf" 60
      return 1
    fi
    if ((SECONDS - start >= timeout)); then
      sf_log "$name: not ready after ${timeout}s (check: $*)"
      sf_tail "$logf" 60
      # Do not leave a half-started server behind: the next start begins from a clean state.
      [[ -n "$pidf" ]] && sf_stop_pid "$name" "$pidf" 15
      return 1
    fi
    sleep 0.5
  done
  sf_log "$name: ready after $((SECONDS - start))s"
}

# sf_unprivileged_prefix — sets the array SF_UNPRIV to the command prefix that runs a program as a
# non-root user. PostgreSQL refuses to run as root, and the service accounts cannot traverse /root
# (mode 700), so as root we enter a user namespace mapping root to uid 1000: files stay owned by the
# caller, the server sees a non-zero uid and holds no capabilities on the host. Non-root: no prefix.
# Used as: "${SF_UNPRIV[@]}" program args (a plain command, so `&` + $! yield the program's own pid).
sf_unprivileged_prefix() {
  SF_UNPRIV=()
  [[ $EUID -ne 0 ]] && return 0
  unshare --user --map-user=1000 --map-group=1000 true 2>/dev/null ||
    sf_die "running as root and user namespaces are unavailable: run the stack as a normal user"
  SF_UNPRIV=(unshare --user --map-user=1000 --map-group=1000)
}

# sf_mvn ARGS... — Maven against the private local repository, batch mode, quiet.
sf_mvn() {
  command -v mvn >/dev/null 2>&1 || sf_die "Maven (mvn) is required: apt-get install -y maven"
  mvn -B -q -Dmaven.repo.local="$SF_M2" "$@"
}

# sf_mvn_classpath POM_TEMPLATE OUT_DIR — resolve the runtime dependency set of a generated pom into
# OUT_DIR (jars). Cached: a .complete marker makes later calls instant.
sf_mvn_classpath() {
  local tmpl="$1" out="$2"
  [[ -f "$out/.complete" ]] && return 0
  rm -rf "$out.tmp"
  mkdir -p "$out.tmp"
  sed -e "s/@KAFKA_VERSION@/$SF_KAFKA_VERSION/g" -e "s/@LOG4J2_VERSION@/$SF_LOG4J2_VERSION/g" \
    "$tmpl" >"$out.tmp/pom.xml"
  sf_log "resolving $(basename "$tmpl" .pom.xml) classpath from Maven Central into $out"
  sf_mvn -f "$out.tmp/pom.xml" "$SF_MVN_DEP_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$out.tmp/lib" >"$out.tmp/mvn.log" 2>&1 ||
    { sf_tail "$out.tmp/mvn.log" 40; sf_die "Maven dependency resolution failed for $tmpl"; }
  rm -rf "$out"
  mv "$out.tmp" "$out"
  touch "$out/.complete"
}

sf_java_check() {
  command -v java >/dev/null 2>&1 || sf_die "Java 17+ is required: apt-get install -y openjdk-17-jre-headless"
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${v%%.*}" -ge 17 ]] 2>/dev/null || sf_die "Java 17+ is required (found java.specification.version=$v)"
}

# sf_apt_install BINARY PACKAGE... — install Debian packages when BINARY is missing (root only).
sf_apt_install() {
  local bin="$1"
  shift
  [[ -x "$bin" ]] && return 0
  [[ $EUID -eq 0 ]] || sf_die "$bin is missing: run 'sudo apt-get install -y $*' first"
  sf_log "installing Debian packages: $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$SF_DL/apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update >>"$SF_DL/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$SF_DL/apt.log" 2>&1 ||
      { sf_tail "$SF_DL/apt.log" 30; sf_die "apt-get install $* failed"; }
  fi
  [[ -x "$bin" ]] || sf_die "$bin still missing after installing $*"
}
