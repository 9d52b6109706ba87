#!/bin/sh
# Run by the official postgres image once, when the primary's data volume is first created
# (/docker-entrypoint-initdb.d): a role the read replicas (profile "replica") copy and
# stream from, and the pg_hba.conf line that lets them in over the compose network.
# A volume created before this file existed: run the same two steps by hand (docs/scaling.md).
set -eu
psql -v ON_ERROR_STOP=1 -v password="${REPLICATION_PASSWORD:-replicator}" \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
