#!/usr/bin/env bash
# The main job in one command: build drydock, import the shared advisory
# snapshots (OSV PyPI and Go, Debian DSA/DLA, Alpine secdb) into a local
# database, and scan a sample image for vulnerabilities.
#
# usage: scripts/demo.sh [IMAGE] [drydock image options...]
#   IMAGE defaults to ../shared/corpus/images/shop.oci.tar
#   DRYDOCK_DB_DIR   database directory (default: target/demo-db)
#   DRYDOCK_SHARED   shared data (default: ../shared next to the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared="${DRYDOCK_SHARED:-$repo/../shared}"
image="${1:-$shared/corpus/images/shop.oci.tar}"
shift || true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock-target}"
db="${DRYDOCK_DB_DIR:-$repo/target/demo-db}"

cargo build --release -q -p drydock-cli
drydock="$CARGO_TARGET_DIR/release/drydock"
if [ ! -s "$db/advisories.db" ]; then
  "$drydock" db import --db-dir "$db" \
    "$shared/vulndb/osv/PyPI-all.zip" "$shared/vulndb/osv/Go-all.zip" \
    "$shared/vulndb/debian" "$shared/vulndb/alpine"
fi
exec "$drydock" image "$image" --db-dir "$db" "$@"
