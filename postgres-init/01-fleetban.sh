#!/usr/bin/env bash
# Creates Fleetban's role and database; run once by a DBA, by `./fleetban up`, and by the
# PostgreSQL container's /docker-entrypoint-initdb.d in Kubernetes. Safe to run again.
# The password comes from FLEETBAN_DB_PASSWORD; the schema itself belongs to Flyway.
set -euo pipefail
: "${FLEETBAN_DB_PASSWORD:?set FLEETBAN_DB_PASSWORD to the password of the fleetban role}"
psql -v ON_ERROR_STOP=1 --no-psqlrc -q -d postgres \
  -v db_password="$FLEETBAN_DB_PASSWORD" \
  -f "$(dirname "${BASH_SOURCE[0]}")/fleetban.psql"
