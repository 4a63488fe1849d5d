#!/usr/bin/env bash
# Starts a private Docker engine for the tests (vfs, no bridge, no iptables) and imports a
# Debian bookworm minbase root filesystem as bulkhead-test/bookworm:minbase. Idempotent:
# a running engine and an imported image are reused. Prints the DOCKER_HOST to use.
# Needs root and Debian's docker.io and debootstrap (.ci/run installs them).
set -euo pipefail
state=${BULKHEAD_TEST_DOCKER_STATE:-/var/lib/bulkhead-test-docker}
run=${BULKHEAD_TEST_DOCKER_RUN:-/run/bulkhead-test-docker}
cache=${BULKHEAD_TEST_CACHE:-/var/cache/bulkhead-test}
sock="$run/docker.sock"
export DOCKER_HOST="unix://$sock"
mkdir -p "$state" "$run" "$cache"
# Test files run in parallel workers: one of them starts the engine, the others wait for it.
# (The engine must not inherit the lock's descriptor, or it would hold the lock forever.)
exec 9>"$run/setup.lock"
flock -w 900 9 || { echo "waited 15 minutes for another test run to set up the engine" >&2; exit 3; }

if ! docker version >/dev/null 2>&1; then
  command -v dockerd >/dev/null || { echo "dockerd is not installed (apt-get install docker.io)" >&2; exit 3; }
  nohup dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    --data-root "$state/data" --exec-root "$run/exec" --pidfile "$run/docker.pid" \
    -H "$DOCKER_HOST" >"$state/dockerd.log" 2>&1 9>&- &
  for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
  docker version >/dev/null 2>&1 || { echo "dockerd did not start; its log:" >&2; tail -20 "$state/dockerd.log" >&2; exit 3; }
fi

if ! docker image inspect bulkhead-test/bookworm:minbase >/dev/null 2>&1; then
  rootfs="$cache/rootfs-bookworm"
  if [ ! -x "$rootfs/bin/sh" ]; then
    command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 3; }
    rm -rf "$rootfs.partial"
    debootstrap --variant=minbase bookworm "$rootfs.partial" >"$cache/debootstrap.log" 2>&1 \
      || { echo "debootstrap failed; its log:" >&2; tail -20 "$cache/debootstrap.log" >&2; exit 3; }
    mv "$rootfs.partial" "$rootfs"
  fi
  # As Debian's own images are published: no downloaded packages, no package lists.
  tar -C "$rootfs" --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*' \
    --exclude='./var/cache/apt/*.bin' --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . \
    | docker import - bulkhead-test/bookworm:minbase >/dev/null
fi
echo "$DOCKER_HOST"
