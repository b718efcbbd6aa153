#!/usr/bin/env bash
# What the test suite needs on a Debian machine, installed or started when missing: a running
# PostgreSQL on 127.0.0.1:5432 with a database `test` (and pgbench), and Debian's Chromium (never a
# downloaded browser). Needs root (or runs its installs through sudo). Progress goes to standard
# error; the one line on standard output is the test database's URL, for CARNET_TEST_DATABASE_URL.
# Used by `.ci/run` and by `npm test` (scripts/test.js) on a machine that lacks either.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
exec 3>&1 1>&2

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL: start the installed cluster, or install one.
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing PostgreSQL"
  apt_install postgresql postgresql-contrib
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

# The tests connect over TCP as postgres without a password; where the cluster asks for one, make a
# role with a password and use that instead.
if psql -h 127.0.0.1 -U postgres -d postgres -w -Atc 'SELECT 1' >/dev/null 2>&1; then
  url="postgres://postgres@127.0.0.1:5432/test"
  psql -h 127.0.0.1 -U postgres -d postgres -w -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -w -c 'CREATE DATABASE test'
else
  as_root su postgres -c "psql -v ON_ERROR_STOP=1 -d postgres" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carnet') THEN
    CREATE ROLE carnet LOGIN SUPERUSER PASSWORD 'carnet';
  END IF;
END $$;
SQL
  as_root su postgres -c "psql -d postgres -Atc \"SELECT 1 FROM pg_database WHERE datname = 'test'\"" | grep -q 1 \
    || as_root su postgres -c "psql -d postgres -c 'CREATE DATABASE test OWNER carnet'"
  url="postgres://carnet:carnet@127.0.0.1:5432/test"
fi
command -v pgbench >/dev/null 2>&1 || apt_install postgresql-contrib
psql --version

# Chromium from Debian for the browser tests.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  apt_install chromium
fi
/usr/bin/chromium --version || true

echo "$url" >&3
