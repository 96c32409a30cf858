#!/usr/bin/env bash
# deploy/local/register-connectors.sh — registers (create-or-update) the Debezium connectors in
# deploy/connectors/*.json (or the files given) through the Connect REST API and waits for RUNNING.
# Usage: register-connectors.sh [--compose] [--delete] [file.json...]. Does not start anything.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

files=()
extra=()
for a in "$@"; do
  case "$a" in
    --compose)
      # deploy/docker-compose.yml: Connect reaches the databases and Kafka by service name.
      : "${STREAMFORGE_PG_HOST_FROM_CONNECT:=postgres}"
      : "${STREAMFORGE_MARIADB_HOST_FROM_CONNECT:=mariadb}"
      : "${STREAMFORGE_KAFKA_FROM_CONNECT:=kafka:29092}"
      ;;
    --delete) extra+=(--delete) ;;
    *) files+=("$a") ;;
  esac
done
((${#files[@]})) || files=("$SF_DEPLOY_DIR"/connectors/*.json)

# Values as seen from the Connect worker (same host for the native stack).
: "${STREAMFORGE_PG_HOST_FROM_CONNECT:=$STREAMFORGE_HOST}"
: "${STREAMFORGE_MARIADB_HOST_FROM_CONNECT:=$STREAMFORGE_HOST}"
: "${STREAMFORGE_KAFKA_FROM_CONNECT:=$STREAMFORGE_HOST:$STREAMFORGE_KAFKA_PORT}"
# Table filters (Debezium regular expressions); default: every table of the CDC schema/database.
: "${STREAMFORGE_PG_TABLES:=public\\..*}"
: "${STREAMFORGE_MARIADB_TABLES:=$STREAMFORGE_MARIADB_DB\\..*}"
export STREAMFORGE_PG_HOST_FROM_CONNECT STREAMFORGE_MARIADB_HOST_FROM_CONNECT STREAMFORGE_KAFKA_FROM_CONNECT \
  STREAMFORGE_PG_TABLES STREAMFORGE_MARIADB_TABLES

curl -fsS -o /dev/null "http://$STREAMFORGE_HOST:$STREAMFORGE_CONNECT_PORT/connectors" ||
  sf_die "Kafka Connect is not answering on http://$STREAMFORGE_HOST:$STREAMFORGE_CONNECT_PORT (run deploy/local/up.sh)"
exec node "$SF_LOCAL_DIR/register-connectors.mjs" --timeout "$STREAMFORGE_START_TIMEOUT" "${extra[@]}" "${files[@]}"
