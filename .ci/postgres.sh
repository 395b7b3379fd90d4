#!/bin/sh
# Installs the Debian PostgreSQL packages that test/backups/logical-backup-postgres.test.ts needs (server binaries
# under /usr/lib/postgresql/<major>/bin and the `postgres` OS user), when they are missing. Idempotent; run as root
# on Debian 12. The tests start and stop their own throwaway cluster, so no cluster is created or started here.
set -eu

have_postgres() {
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && [ -x "$bin/pg_dump" ] && [ -x "$bin/pg_restore" ] &&
      [ -x "$bin/psql" ]; then
      found=$bin
    fi
  done
  [ -n "${found:-}" ] && id postgres >/dev/null 2>&1
}

found=''
if have_postgres; then
  echo "postgres.sh: PostgreSQL present: $found ($("$found/postgres" --version))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "postgres.sh: PostgreSQL server packages are missing and installing them needs root (apt-get)" >&2
  exit 1
fi

# No default cluster: Debian would otherwise create and start 'main' on port 5432.
mkdir -p /etc/postgresql-common/createcluster.d
printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.d/zz-no-main-cluster.conf

export DEBIAN_FRONTEND=noninteractive
echo "postgres.sh: installing postgresql and postgresql-client with apt-get"
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql postgresql-client >/dev/null

found=''
if ! have_postgres; then
  echo "postgres.sh: apt-get finished but no /usr/lib/postgresql/*/bin with initdb, pg_ctl, pg_dump, pg_restore and psql, or no postgres user" >&2
  exit 1
fi
echo "postgres.sh: installed $found ($("$found/postgres" --version))"
