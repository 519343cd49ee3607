#!/usr/bin/env bash
# Make sure the local PostgreSQL and Redis the tests use are reachable; start them if installed but
# stopped; otherwise say exactly how to get them.
set -u
pg_host=127.0.0.1; pg_port=5432
redis_host=127.0.0.1; redis_port=6379

pg_up() { pg_isready -q -h "$pg_host" -p "$pg_port" 2>/dev/null || (exec 3<>/dev/tcp/$pg_host/$pg_port) 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/$redis_host/$redis_port) 2>/dev/null; }

if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "PostgreSQL is stopped: starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  sleep 2
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  echo "Redis is stopped: starting it"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no || true
  sleep 1
fi
ok=0
if ! pg_up; then
  ok=1
  cat >&2 <<MSG
PostgreSQL is not reachable on $pg_host:$pg_port. The tests need it (the portal uses PostgreSQL features).
Install and start it, e.g.:  sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start
or point DATABASE_URL at a server where the user may create the test database.
MSG
fi
if ! redis_up; then
  ok=1
  cat >&2 <<MSG
Redis is not reachable on $redis_host:$redis_port. The tests need it (cache and Celery broker).
Install and start it, e.g.:  sudo apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1
MSG
fi
exit $ok
