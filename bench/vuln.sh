#!/usr/bin/env bash
# Vulnerability benchmark: advisory import (time, database size), a full
# `drydock image` vulnerability scan of shop, and a rescan of 1,000 stored
# SBOMs after an import. Trivy runs next to drydock on the same image, but
# only as an SBOM scan: its vulnerability DB cannot be downloaded here (see
# ../shared/reference/peers.md), so matching quality is compared with the
# truth files in the tests instead.
#
# Environment:
#   ROUNDS=5        rounds per measurement (medians are reported)
#   SBOMS=1000      stored SBOMs to rescan
#   CARGO_TARGET_DIR (default $HOME/.cache/drydock-target)
#   DRYDOCK_SHARED   (default ../shared next to the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared="${DRYDOCK_SHARED:-$repo/../shared}"
out="$repo/bench/out/vuln"
ROUNDS="${ROUNDS:-5}"
SBOMS="${SBOMS:-1000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock-target}"
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time missing: apt-get install time" >&2; exit 2; }

echo "building drydock (release)" >&2
cargo build --release -q -p drydock-cli
drydock="$CARGO_TARGET_DIR/release/drydock"

shop="$repo/bench/out/shop.docker.tar"
if [ ! -s "$shop" ]; then
  mkdir -p "$repo/bench/out"
  "$shared/tools/to-docker-archive.sh" "$shared/corpus/images/shop.oci.tar" "$shop" shop:1.4.2
fi
trivy=$(command -v trivy || true)
if [ -n "$trivy" ] && command -v pyenv >/dev/null && [[ "$trivy" == */shims/* ]]; then
  trivy=$(pyenv which trivy)
fi
tcache="$repo/bench/out/trivy-cache"
if [ -n "$trivy" ] && [ ! -f "$tcache/java-db/metadata.json" ]; then
  python3 "$shared/tools/trivy-offline-setup.py" "$tcache" >&2
fi

results="$out/results.tsv"
printf 'what\tround\twall_s\trss_kb\tstatus\textra\n' >"$results"
measure() {
  local what=$1 round=$2 extra=$3 status=0
  shift 3
  /usr/bin/time -f '%e %M' -o "$out/time.txt" -- "$@" >/dev/null 2>"$out/stderr.txt" || status=$?
  local wall rss
  read -r wall rss < <(tail -n 1 "$out/time.txt")
  [ "$status" = 0 ] || echo "warning: $what failed ($status): $(tail -n 3 "$out/stderr.txt")" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$what" "$round" "$wall" "$rss" "$status" "$extra" >>"$results"
  echo "  $what round $round: ${wall}s $((rss / 1024))MiB $extra" >&2
}
size_of() { stat -c %s "$1/advisories.db"; }

osv="$shared/vulndb/osv"
for ((r = 1; r <= ROUNDS; r++)); do
  for eco in PyPI Go; do
    rm -rf "$out/db-$eco"
    measure "import $eco-all.zip" "$r" "" "$drydock" db import -q --db-dir "$out/db-$eco" "$osv/$eco-all.zip"
    sed -i "\$s/\$/db_bytes=$(size_of "$out/db-$eco")/" "$results"
  done
  rm -rf "$out/db-all"
  measure "import all shared feeds" "$r" "" "$drydock" db import -q --db-dir "$out/db-all" \
    "$osv/PyPI-all.zip" "$osv/Go-all.zip" "$shared/vulndb/debian" "$shared/vulndb/alpine"
  sed -i "\$s/\$/db_bytes=$(size_of "$out/db-all")/" "$results"
done

db="$out/db-all"
rm -rf "$out/cache"
for ((r = 1; r <= ROUNDS; r++)); do
  measure "drydock image (vuln, cold)" "$r" "" "$drydock" image "$shop" --db-dir "$db" -f json \
    -o "$out/shop-vulns.json" -q --no-cache
  measure "drydock image (vuln, warm)" "$r" "" "$drydock" image "$shop" --db-dir "$db" -f json \
    -o "$out/shop-vulns.json" -q --cache-dir "$out/cache"
  if [ -n "$trivy" ]; then
    rm -rf "$tcache/fanal"
    measure "trivy image (sbom only)" "$r" "" "$trivy" image --cache-dir "$tcache" --offline-scan \
      --skip-db-update --skip-java-db-update --disable-telemetry --skip-version-check -q \
      --format cyclonedx --output "$out/trivy.json" --input "$shop"
  fi
done

# Stored SBOMs: the shop SBOM under 1,000 names, as a server would keep
# them, rescanned after a fresh import.
sboms="$out/sboms"
if [ "$(ls "$sboms" 2>/dev/null | wc -l)" != "$SBOMS" ]; then
  rm -rf "$sboms"
  mkdir -p "$sboms"
  "$drydock" sbom "$shop" -f cyclonedx-json -o "$sboms/0000.json" -q
  for ((i = 1; i < SBOMS; i++)); do cp "$sboms/0000.json" "$sboms/$(printf %04d "$i").json"; done
fi
for ((r = 1; r <= ROUNDS; r++)); do
  "$drydock" db import -q --db-dir "$db" "$osv/PyPI-all.zip"
  rm -rf "$out/rescan"
  measure "sbom-scan $SBOMS SBOMs" "$r" "" "$drydock" sbom-scan -q --db-dir "$db" -f json \
    --output-dir "$out/rescan" "$sboms"/*.json
done
rm -f "$out/time.txt" "$out/stderr.txt"

python3 - "$results" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
order = []
for r in rows:
    if r["what"] not in order:
        order.append(r["what"])
print(f"{'measurement':<32} {'runs':>4} {'median s':>9} {'min s':>7} {'peak MiB':>9} {'db MiB':>7}")
for w in order:
    rs = [r for r in rows if r["what"] == w and r["status"] == "0"]
    if not rs:
        print(f"{w:<32} failed")
        continue
    walls = [float(r["wall_s"]) for r in rs]
    rss = statistics.median(int(r["rss_kb"]) for r in rs) / 1024
    db = [r["extra"] for r in rs if r["extra"].startswith("db_bytes=")]
    dbm = f"{int(db[0].split('=')[1]) / 2**20:.1f}" if db else ""
    print(f"{w:<32} {len(rs):>4} {statistics.median(walls):>9.2f} {min(walls):>7.2f} {rss:>9.0f} {dbm:>7}")
PY
