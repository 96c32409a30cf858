#!/usr/bin/env bash
# deploy/local/status.sh — print what of the native stack runs, with pids and ports; exit 1 if any
# component is not running and ready. Read-only.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rc=0
for c in postgres mariadb kafka connect minio; do
  bash "$SF_LOCAL_DIR/$c.sh" status || rc=1
done
echo "run dir    $SF_RUN"
echo "downloads  $SF_DL"
exit "$rc"
