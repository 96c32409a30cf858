#!/usr/bin/env bash
# test/e2e/stack-smoke.sh — end-to-end smoke test of the native CDC stack (deploy/local): brings the stack
# up, creates a demo table in PostgreSQL and in MariaDB, registers the Debezium connectors, runs
# insert/update/delete, checks with a kafkajs consumer that the change events (c,u,d) of THIS run arrive,
# and checks MinIO conditional PUT (If-None-Match: * -> 412).
# Usage: stack-smoke.sh [--keep|--down]. Default: stop the stack afterwards only if this test started it.
# Exit 0 and a final "N passed, 0 failed" line on success; non-zero on the first failed check.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="$REPO/deploy/local"
# shellcheck source-path=SCRIPTDIR source=../../deploy/local/lib.sh
source "$LOCAL/lib.sh"

mode=auto
for a in "$@"; do
  case "$a" in
    --keep) mode=keep ;;
    --down) mode=down ;;
    *) echo "usage: $0 [--keep|--down]" >&2; exit 2 ;;
  esac
done

passed=0
failed=0
check() { # check NAME CMD...
  local name="$1" s=$SECONDS
  shift
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "--- ok: $name ($((SECONDS - s))s)"
  else
    failed=$((failed + 1))
    echo "--- FAILED: $name ($((SECONDS - s))s)"
    echo "$passed passed, $failed failed"
    exit 1
  fi
}

was_running=0
bash "$LOCAL/status.sh" >/dev/null 2>&1 && was_running=1
finish() {
  local rc=$?
  if [[ $mode == down || ($mode == auto && $was_running == 0) ]]; then
    echo "=== stopping the stack (pass --keep to leave it running)"
    bash "$LOCAL/down.sh" || true
  else
    echo "=== leaving the stack running (deploy/local/down.sh stops it)"
  fi
  exit "$rc"
}
trap finish EXIT

RUN_ID="smoke$(date +%s)$$"
PG_TOPIC="shop_pg.public.sf_smoke"
MY_TOPIC="shop_my.$STREAMFORGE_MARIADB_DB.sf_smoke"

stack_up() {
  local s=$SECONDS
  bash "$LOCAL/up.sh"
  echo "stack up took $((SECONDS - s))s"
}

# The demo tables belong to this test: recreated on every run (a DROP is a normal CDC event too).
create_tables() {
  bash "$LOCAL/postgres.sh" psql <<'SQL'
DROP TABLE IF EXISTS public.sf_smoke;
CREATE TABLE public.sf_smoke (
  id BIGINT PRIMARY KEY, run_id TEXT NOT NULL, name TEXT NOT NULL, amount NUMERIC(10,2),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
ALTER TABLE public.sf_smoke REPLICA IDENTITY FULL;
SQL
  bash "$LOCAL/mariadb.sh" sql <<'SQL'
DROP TABLE IF EXISTS sf_smoke;
CREATE TABLE sf_smoke (
  id BIGINT PRIMARY KEY, run_id VARCHAR(64) NOT NULL, name VARCHAR(64) NOT NULL, amount DECIMAL(10,2),
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3));
SQL
}

register() { bash "$LOCAL/register-connectors.sh"; }

# Ids are unique per run so reruns against a kept stack never collide.
change_rows() {
  local base=$(( $(date +%s) % 1000000 * 1000 ))
  bash "$LOCAL/postgres.sh" psql <<SQL
INSERT INTO public.sf_smoke (id, run_id, name, amount) VALUES
  ($base + 1, '$RUN_ID', 'alpha', 10.50), ($base + 2, '$RUN_ID', 'beta', 20.00), ($base + 3, '$RUN_ID', 'gamma', 30.25);
UPDATE public.sf_smoke SET amount = 11.75, name = 'alpha2' WHERE id = $base + 1;
DELETE FROM public.sf_smoke WHERE id = $base + 2;
SQL
  bash "$LOCAL/mariadb.sh" sql <<SQL
INSERT INTO sf_smoke (id, run_id, name, amount) VALUES
  ($base + 1, '$RUN_ID', 'alpha', 10.50), ($base + 2, '$RUN_ID', 'beta', 20.00), ($base + 3, '$RUN_ID', 'gamma', 30.25);
UPDATE sf_smoke SET amount = 11.75, name = 'alpha2' WHERE id = $base + 1;
DELETE FROM sf_smoke WHERE id = $base + 2;
SQL
}

consume_events() {
  node "$LOCAL/kafka-tool.mjs" consume --topics "$PG_TOPIC,$MY_TOPIC" --expect-ops c,u,d \
    --match "$RUN_ID" --timeout 120
}

conditional_put() { node "$LOCAL/s3-bucket.mjs" check-conditional-put; }

check "stack up (deploy/local/up.sh)" stack_up
check "create demo tables (postgres public.sf_smoke, mariadb $STREAMFORGE_MARIADB_DB.sf_smoke)" create_tables
check "register Debezium connectors" register
check "insert/update/delete rows (run $RUN_ID)" change_rows
check "Debezium change events c,u,d on $PG_TOPIC and $MY_TOPIC" consume_events
check "MinIO conditional PUT (If-None-Match: * -> 412)" conditional_put
echo "$passed passed, $failed failed"
