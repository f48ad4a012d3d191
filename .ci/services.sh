#!/usr/bin/env bash
# Installs and starts the scale-out engines the tests in test/scaleout run against, on Debian 12 as root:
#   - PostgreSQL 15: a cluster of its own ("mwup", port 55432, 127.0.0.1 only, durability switched off
#     because it only ever holds test data), a role that may create databases, and a database.
#   - OpenStack Swift with its S3 API (s3api middleware) and tempauth: one node, one replica, storage in
#     a directory, proxy on 127.0.0.1:18080; memcached (port 11311) for tempauth; one bucket.
# Safe to run again: what is installed, configured or running is left as it is.
# Writes the variables the tests read to .ci/services.env (source it before `npm run test:scaleout`).
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_FILE="$PWD/.ci/services.env"
export DEBIAN_FRONTEND=noninteractive
START=$(date +%s)

PG_VERSION=15
PG_CLUSTER=mwup
PG_PORT=55432
PG_USER=mwup
PG_PASSWORD=mwup-test-password
PG_DB=mwup

SWIFT_BASE=/srv/mwup-swift
SWIFT_CONF="$SWIFT_BASE/conf"
SWIFT_PROXY_PORT=18080
SWIFT_OBJECT_PORT=16010
SWIFT_CONTAINER_PORT=16011
SWIFT_ACCOUNT_PORT=16012
MEMCACHED_PORT=11311
S3_ACCOUNT=mwup
S3_USER=mwup
S3_SECRET=mwup-test-secret
S3_BUCKET=mwup-test
S3_REGION=us-east-1

log() { echo "[services] $*"; }

# --- packages ---------------------------------------------------------------------------------------
PACKAGES=(postgresql-$PG_VERSION swift-proxy swift-account swift-container swift-object memcached)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  # Packages must not start their own services (default ports and configs): we start ours below.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  # Package lists may be missing or stale on a fresh machine.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/mwup-services-apt.log 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/mwup-services-apt.log 2>&1 || {
      cat /tmp/mwup-services-apt.log
      exit 1
    }
  }
fi
log "packages ready after $(($(date +%s) - START))s"

# --- PostgreSQL -------------------------------------------------------------------------------------
if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$PG_VERSION/$PG_CLUSTER"; then
  log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
  pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$PG_PORT" --start-conf manual \
    --locale C.UTF-8 --encoding UTF8 >/dev/null
  mkdir -p "/etc/postgresql/$PG_VERSION/$PG_CLUSTER/conf.d"
  # Test data only: durability off for speed.
  cat >"/etc/postgresql/$PG_VERSION/$PG_CLUSTER/conf.d/mwup-test.conf" <<'EOF'
listen_addresses = '127.0.0.1'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi
if ! pg_lsclusters -h | awk -v c="$PG_VERSION/$PG_CLUSTER" '$1"/"$2 == c {print $4}' | grep -qx online; then
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
fi
psql_admin() { (cd / && runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qAt "$@"); }
if [[ "$(psql_admin -c "select 1 from pg_roles where rolname = '$PG_USER'")" != 1 ]]; then
  psql_admin -c "create role $PG_USER login createdb password '$PG_PASSWORD'"
fi
if [[ "$(psql_admin -c "select 1 from pg_database where datname = '$PG_DB'")" != 1 ]]; then
  psql_admin -c "create database $PG_DB owner $PG_USER"
fi
log "PostgreSQL $PG_VERSION ready on 127.0.0.1:$PG_PORT after $(($(date +%s) - START))s"

# --- memcached (tempauth keeps its tokens there) ------------------------------------------------------
# A pid file whose process is alive and runs the program named (pids are reused after a restart).
running() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}
mkdir -p "$SWIFT_BASE/run" "$SWIFT_BASE/log" "$SWIFT_CONF" "$SWIFT_BASE/node/d1"
if ! running "$SWIFT_BASE/run/memcached.pid" memcached; then
  setsid nohup memcached -u memcache -l 127.0.0.1 -p "$MEMCACHED_PORT" -m 64 \
    </dev/null >>"$SWIFT_BASE/log/memcached.log" 2>&1 &
  echo $! >"$SWIFT_BASE/run/memcached.pid"
fi

# --- Swift configuration ------------------------------------------------------------------------------
changed=0
# Write stdin to $1 when it differs from what is there; note the change.
put() {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [[ -f "$1" ]] && cmp -s "$tmp" "$1"; then
    rm -f "$tmp"
  else
    mv "$tmp" "$1"
    chmod 644 "$1"
    changed=1
  fi
}
[[ -f /etc/swift/swift.conf ]] || {
  mkdir -p /etc/swift
  printf '[swift-hash]\nswift_hash_path_suffix = mwup\nswift_hash_path_prefix = mwup\n\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' >/etc/swift/swift.conf
}

common="[DEFAULT]
bind_ip = 127.0.0.1
swift_dir = $SWIFT_CONF
devices = $SWIFT_BASE/node
mount_check = false
user = swift
log_level = WARNING
"
put "$SWIFT_CONF/object-server.conf" <<EOF
${common}bind_port = $SWIFT_OBJECT_PORT
workers = 1

[pipeline:main]
pipeline = object-server

[app:object-server]
use = egg:swift#object
EOF
put "$SWIFT_CONF/container-server.conf" <<EOF
${common}bind_port = $SWIFT_CONTAINER_PORT
workers = 1

[pipeline:main]
pipeline = container-server

[app:container-server]
use = egg:swift#container
EOF
put "$SWIFT_CONF/account-server.conf" <<EOF
${common}bind_port = $SWIFT_ACCOUNT_PORT
workers = 1

[pipeline:main]
pipeline = account-server

[app:account-server]
use = egg:swift#account
EOF
put "$SWIFT_CONF/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $SWIFT_PROXY_PORT
swift_dir = $SWIFT_CONF
user = swift
workers = 2
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHED_PORT

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:s3api]
use = egg:swift#s3api
location = $S3_REGION
max_upload_part_num = 10000
max_multi_delete_objects = 1000

[filter:tempauth]
use = egg:swift#tempauth
user_${S3_ACCOUNT}_${S3_USER} = $S3_SECRET .admin

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo
max_manifest_segments = 10000
max_manifest_size = 16777216

[filter:dlo]
use = egg:swift#dlo
EOF

# Rings: one device, one replica.
if [[ ! -f "$SWIFT_CONF/object.ring.gz" ]]; then
  log "building Swift rings"
  (
    cd "$SWIFT_CONF"
    for spec in "object:$SWIFT_OBJECT_PORT" "container:$SWIFT_CONTAINER_PORT" "account:$SWIFT_ACCOUNT_PORT"; do
      ring=${spec%%:*} port=${spec##*:}
      rm -f "$ring.builder"
      swift-ring-builder "$ring.builder" create 6 1 0 >/dev/null
      swift-ring-builder "$ring.builder" add "r1z1-127.0.0.1:$port/d1" 100 >/dev/null
      swift-ring-builder "$ring.builder" rebalance >/dev/null || true
    done
  )
  changed=1
fi
chown -R swift:swift "$SWIFT_BASE/node" "$SWIFT_BASE/log"
chown swift:swift "$SWIFT_BASE/run"

# --- Swift servers --------------------------------------------------------------------------------------
servers=(object container account proxy)
if ((changed)); then
  for s in "${servers[@]}"; do
    if running "$SWIFT_BASE/run/$s.pid" "swift-$s-server"; then
      kill "$(cat "$SWIFT_BASE/run/$s.pid")" 2>/dev/null || true
      for _ in $(seq 50); do running "$SWIFT_BASE/run/$s.pid" "swift-$s-server" || break; sleep 0.1; done
    fi
  done
fi
for s in "${servers[@]}"; do
  if ! running "$SWIFT_BASE/run/$s.pid" "swift-$s-server"; then
    # -v: log to stderr (the log file) rather than syslog.
    setsid nohup "swift-$s-server" "$SWIFT_CONF/$s-server.conf" -v \
      </dev/null >>"$SWIFT_BASE/log/$s.log" 2>&1 &
    echo $! >"$SWIFT_BASE/run/$s.pid"
  fi
done

# Wait for the proxy, then create the bucket (a Swift container) through Swift's own API.
python3 - "$SWIFT_PROXY_PORT" "$S3_ACCOUNT:$S3_USER" "$S3_SECRET" "$S3_BUCKET" <<'EOF'
import sys, time, urllib.request, urllib.error
port, user, key, bucket = sys.argv[1:]
base = f'http://127.0.0.1:{port}'
deadline = time.time() + 60
while True:
    try:
        with urllib.request.urlopen(f'{base}/healthcheck', timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit('Swift proxy did not come up')
    time.sleep(0.2)
while True:
    try:
        req = urllib.request.Request(f'{base}/auth/v1.0', headers={'X-Auth-User': user, 'X-Auth-Key': key})
        with urllib.request.urlopen(req, timeout=10) as r:
            url, token = r.headers['X-Storage-Url'], r.headers['X-Auth-Token']
        req = urllib.request.Request(f'{url}/{bucket}', method='PUT', headers={'X-Auth-Token': token})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status in (201, 202), r.status
        break
    except (OSError, urllib.error.HTTPError) as e:
        # The account and container servers may still be starting.
        if time.time() > deadline:
            sys.exit(f'cannot create bucket: {e}')
        time.sleep(0.3)
EOF
log "Swift (S3 API) ready on 127.0.0.1:$SWIFT_PROXY_PORT after $(($(date +%s) - START))s"

cat >"$ENV_FILE" <<EOF
export MWUP_TEST_PG_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB
export MWUP_S3_ENDPOINT=http://127.0.0.1:$SWIFT_PROXY_PORT
export MWUP_S3_BUCKET=$S3_BUCKET
export MWUP_S3_ACCESS_KEY_ID=$S3_ACCOUNT:$S3_USER
export MWUP_S3_SECRET_ACCESS_KEY=$S3_SECRET
export MWUP_S3_REGION=$S3_REGION
EOF
cat "$ENV_FILE"
