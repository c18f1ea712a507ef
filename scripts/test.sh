#!/usr/bin/env bash
# Runs the whole drydock test suite. Installs what the tests need when run
# as root on a Debian machine (CI, fresh developer machines).
set -euo pipefail
cd "$(dirname "$0")/.."

# System tools the tests use: skopeo makes docker archives from the shared
# OCI archives; rpm builds rpm databases for the rpmdb tests.
need=()
command -v skopeo >/dev/null || need+=(skopeo)
command -v rpm >/dev/null || need+=(rpm)
command -v rpmbuild >/dev/null || need+=(rpm)
command -v db_load >/dev/null || need+=(db-util)
command -v sqlite3 >/dev/null || need+=(sqlite3)
# clamd, started by the malware tests themselves with a generated
# signature database (official signatures cannot be downloaded in CI).
[ -x /usr/sbin/clamd ] || need+=(clamav-daemon)
# A real registry for the pull, auth, TLS and signature tests: each test
# starts its own docker-registry on loopback (htpasswd for basic auth,
# openssl for a test CA, curl for raw pushes over TLS).
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "warning: missing ${need[*]}; tests that need them will fail" >&2
  fi
fi

# A target directory outside the clone lets repeated runs reuse builds;
# everything still builds from scratch when it is empty.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock-target}"
export DRYDOCK_SHARED="${DRYDOCK_SHARED:-$(cd .. && pwd)/shared}"
# Tests that need clamd fail instead of skipping when it is missing here.
if [ -x /usr/sbin/clamd ]; then export DRYDOCK_REQUIRE_CLAMD="${DRYDOCK_REQUIRE_CLAMD:-1}"; fi
# Likewise for the registry tests.
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
  export DRYDOCK_REQUIRE_REGISTRY="${DRYDOCK_REQUIRE_REGISTRY:-1}"
fi

cargo test --workspace --locked "$@"
