#!/usr/bin/env bash
# Secret-scanning benchmark: drydock against `trivy image --scanners secret`
# on the docker archive of shop, alternating, medians; plus recall of each
# tool on ../shared/corpus/truth/shop-secrets.json. Both run cold: drydock
# with --no-cache, Trivy with its layer cache (fanal/) removed each round.
#
# Environment: ROUNDS=5, CARGO_TARGET_DIR, DRYDOCK_SHARED.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared="${DRYDOCK_SHARED:-$repo/../shared}"
out="$repo/bench/out/secrets"
ROUNDS="${ROUNDS:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock-target}"
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time missing: apt-get install time" >&2; exit 2; }

cargo build --release -q -p drydock-cli
drydock="$CARGO_TARGET_DIR/release/drydock"
shop="$repo/bench/out/shop.docker.tar"
[ -s "$shop" ] || "$shared/tools/to-docker-archive.sh" "$shared/corpus/images/shop.oci.tar" "$shop" shop:1.4.2
trivy=$(command -v trivy || true)
if [ -n "$trivy" ] && command -v pyenv >/dev/null && [[ "$trivy" == */shims/* ]]; then
  trivy=$(pyenv which trivy)
fi
tcache="$repo/bench/out/trivy-cache"
if [ -n "$trivy" ] && [ ! -f "$tcache/java-db/metadata.json" ]; then
  python3 "$shared/tools/trivy-offline-setup.py" "$tcache" >&2
fi

results="$out/results.tsv"
printf 'tool\tround\twall_s\trss_kb\tstatus\n' >"$results"
measure() {
  local tool=$1 round=$2 status=0
  shift 2
  /usr/bin/time -f '%e %M' -o "$out/time.txt" -- "$@" >/dev/null 2>"$out/stderr.txt" || status=$?
  local wall rss
  read -r wall rss < <(tail -n 1 "$out/time.txt")
  [ "$status" = 0 ] || echo "warning: $tool failed ($status): $(tail -n 3 "$out/stderr.txt")" >&2
  printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$wall" "$rss" "$status" >>"$results"
  echo "  $tool round $round: ${wall}s $((rss / 1024))MiB" >&2
}
for ((r = 1; r <= ROUNDS; r++)); do
  measure drydock "$r" "$drydock" image "$shop" --scanners secret --no-cache -q -f json \
    --show-secrets -o "$out/drydock.json"
  if [ -n "$trivy" ]; then
    rm -rf "$tcache/fanal"
    measure trivy "$r" "$trivy" image --cache-dir "$tcache" --offline-scan --skip-db-update \
      --skip-java-db-update --disable-telemetry --skip-version-check -q --scanners secret \
      --format json --output "$out/trivy.json" --input "$shop"
  fi
done
rm -f "$out/time.txt" "$out/stderr.txt"

python3 - "$results" "$shared/corpus/truth/shop-secrets.json" "$out/drydock.json" "$out/trivy.json" <<'PY'
import csv, json, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
truth = json.load(open(sys.argv[2]))
must = truth["must_find"]

def drydock_recall(path):
    found = json.load(open(path)).get("secrets", [])
    hits = 0
    for w in must:
        for f in found:
            loc = f["location"]
            if f["rule_id"] != w["kind"] or ("value" in w and f.get("secret") != w["value"]):
                continue
            if "path" in w and loc.get("path") != w["path"].lstrip("/"):
                continue
            if "path" not in w and loc["kind"] == "file":
                continue
            hits += 1
            break
    return hits, len(found)

def trivy_recall(path):
    # Trivy redacts its matches, so findings are paired one-to-one: a file
    # item with an unused Trivy finding at the same path, a config item with
    # an unused finding outside the image's files whose rule names the same
    # kind of secret.
    try:
        doc = json.load(open(path))
    except (OSError, ValueError):
        return None, None
    found = []
    for res in doc.get("Results") or []:
        for s in res.get("Secrets") or []:
            found.append((res.get("Target", ""), s.get("RuleID", "")))
    used = [False] * len(found)
    hits = 0
    for w in must:
        for i, (target, rule) in enumerate(found):
            if used[i]:
                continue
            in_image = target.startswith("/") and target.lstrip("/").split("/")[0] in ("app", "root", "usr", "etc")
            if "path" in w:
                ok = target.lstrip("/") == w["path"].lstrip("/")
            else:
                ok = not in_image and (rule == w["kind"] or ("password" in w["kind"] and "password" in rule))
            if ok:
                used[i] = True
                hits += 1
                break
    return hits, len(found)

print(f"{'tool':<8} {'runs':>4} {'median s':>9} {'min s':>7} {'peak MiB':>9} {'recall':>8} {'reported':>9}")
med = {}
for tool, recall in (("drydock", drydock_recall), ("trivy", trivy_recall)):
    rs = [r for r in rows if r["tool"] == tool and r["status"] == "0"]
    if not rs:
        continue
    walls = [float(r["wall_s"]) for r in rs]
    med[tool] = statistics.median(walls)
    rss = statistics.median(int(r["rss_kb"]) for r in rs) / 1024
    h, n = recall(sys.argv[3] if tool == "drydock" else sys.argv[4])
    rec = f"{h}/{len(must)}" if h is not None else "?"
    print(f"{tool:<8} {len(rs):>4} {med[tool]:>9.2f} {min(walls):>7.2f} {rss:>9.0f} {rec:>8} {n if n is not None else '?':>9}")
if "trivy" in med:
    ratio = med["drydock"] / med["trivy"]
    print(f"drydock/trivy wall time: {ratio:.2f}x (target <= 0.7x): {'HOLDS' if ratio <= 0.7 else 'MISSES'}")
PY
