#!/usr/bin/env bash
# Starts a real S3 server on loopback for CI: a single-node OpenStack Swift (Debian packages) with
# the s3api middleware, tempauth and memcached. MinIO is not installable here; Swift's s3api speaks
# the same S3 protocol (SigV4, multipart via SLO, ranges, user metadata).
#
# Usage: sudo scripts/ci/start-swift-s3.sh   (needs root: writes /etc/swift and /srv/node)
# Prints the environment for the S3 contract tests on its last lines:
#   UVMTEST_S3_ENDPOINT=127.0.0.1:18090 UVMTEST_S3_ACCESS_KEY=test:tester UVMTEST_S3_SECRET_KEY=testing
set -euo pipefail

PROXY_PORT=${SWIFT_PROXY_PORT:-18090}
STATE=${SWIFT_STATE_DIR:-/tmp/uvm-swift}
DEVICES=/srv/node
LOGDIR=$STATE/log

if ! command -v swift-proxy-server >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    swift swift-proxy swift-account swift-container swift-object memcached >/dev/null
fi

mkdir -p /etc/swift "$DEVICES/sdb1" "$LOGDIR" "$STATE/run"
# Stop what a previous run left.
pkill -f 'swift-(proxy|account|container|object)-server' 2>/dev/null || true
pkill -f "memcached -p 11211" 2>/dev/null || true
sleep 0.5

cat > /etc/swift/swift.conf <<CONF
[swift-hash]
swift_hash_path_suffix = uservm-ci-suffix
swift_hash_path_prefix = uservm-ci-prefix
[storage-policy:0]
name = Policy-0
default = yes
CONF

server_conf() { # name port
  cat > "/etc/swift/$1-server.conf" <<CONF
[DEFAULT]
devices = $DEVICES
mount_check = false
bind_ip = 127.0.0.1
bind_port = $2
workers = 1
user = root
log_name = $1-server
[pipeline:main]
pipeline = $1-server
[app:$1-server]
use = egg:swift#$1
CONF
}
server_conf account 16202
server_conf container 16201
server_conf object 16200

cat > /etc/swift/proxy-server.conf <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = 1
user = root
log_name = proxy-server

[pipeline:main]
# s3api must come before the auth middleware; multipart uploads need slo.
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# The contract suite streams 20 MB objects in 16 MB parts.
max_upload_part_num = 10000

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:11211

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF

# One replica, one device, per ring.
cd /etc/swift
rm -f ./*.builder ./*.ring.gz
for spec in account:16202 container:16201 object:16200; do
  ring=${spec%%:*}; port=${spec##*:}
  swift-ring-builder "$ring.builder" create 10 1 1 >/dev/null
  swift-ring-builder "$ring.builder" add "r1z1-127.0.0.1:$port/sdb1" 100 >/dev/null
  swift-ring-builder "$ring.builder" rebalance >/dev/null
done

memcached -p 11211 -l 127.0.0.1 -u root -d
for s in account container object proxy; do
  nohup "swift-$s-server" "/etc/swift/$s-server.conf" >"$LOGDIR/$s.log" 2>&1 &
  echo $! >"$STATE/run/$s.pid"
done

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PROXY_PORT/healthcheck" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PROXY_PORT/healthcheck" >/dev/null || { tail -n 30 "$LOGDIR"/*.log; echo "swift did not start" >&2; exit 1; }
echo "swift s3api ready on 127.0.0.1:$PROXY_PORT (logs: $LOGDIR)"
echo "UVMTEST_S3_ENDPOINT=127.0.0.1:$PROXY_PORT"
echo "UVMTEST_S3_ACCESS_KEY=test:tester"
echo "UVMTEST_S3_SECRET_KEY=testing"
