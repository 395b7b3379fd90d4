#!/bin/sh
# Installs the Debian MariaDB packages that test/backups/logical-backup-mysql.test.ts needs (mariadbd,
# mariadb-install-db, the mariadb and mariadb-dump clients with their mysql/mysqldump names, and the `mysql` OS user),
# when they are missing. Idempotent; run as root on Debian 12. The tests start and stop their own throwaway server, so
# no server is started here: the package's own service start is held back while installing.
set -eu

have_mariadb() {
  for tool in mariadbd mariadb-install-db mariadb mariadb-dump mysql mysqldump; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || return 1
  done
  id mysql >/dev/null 2>&1
}

server_version() {
  if command -v mariadbd >/dev/null 2>&1; then mariadbd --version; else /usr/sbin/mariadbd --version; fi
}

if have_mariadb; then
  echo "mariadb.sh: MariaDB present ($(server_version))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "mariadb.sh: MariaDB server packages are missing and installing them needs root (apt-get)" >&2
  exit 1
fi

# Keep the package from starting its own server on port 3306 (exit 101: action forbidden), unless a policy exists.
own_policy=false
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  own_policy=true
fi
remove_policy() {
  if [ "$own_policy" = true ]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap remove_policy EXIT

export DEBIAN_FRONTEND=noninteractive
echo "mariadb.sh: installing mariadb-server and mariadb-client with apt-get"
apt-get update -qq
apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null

if ! have_mariadb; then
  echo "mariadb.sh: apt-get finished but mariadbd, mariadb-install-db, mariadb, mariadb-dump, mysql or mysqldump, or the mysql user, is missing" >&2
  exit 1
fi
echo "mariadb.sh: installed $(server_version)"
