#!/usr/bin/env python3
"""Compares hadolint's and drydock's findings on the same Dockerfiles.

A drydock finding counts for hadolint rule DLxxxx when its `references`
hold `hadolint:DLxxxx`. Suppressed drydock findings (inline ignores) do not
count, the same way hadolint drops ignored ones. Comparison is per file
(did the tool flag rule R anywhere in file F) and, as a second measure,
per (file, line).
"""
import argparse
import collections
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hadolint", required=True)
    ap.add_argument("--drydock", required=True)
    ap.add_argument("--hadolint-version", default="")
    ap.add_argument("--drydock-tool", default="")
    ap.add_argument("--markdown")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    files = [os.path.normpath(f) for f in a.files]
    short = {f: os.path.basename(f).removesuffix(".Dockerfile") for f in files}

    # rule -> file -> set(lines)
    hl = collections.defaultdict(lambda: collections.defaultdict(set))
    for d in load(a.hadolint):
        hl[d["code"]][os.path.normpath(d["file"])].add(d["line"])

    dd = collections.defaultdict(lambda: collections.defaultdict(set))
    ours_of = collections.defaultdict(set)  # DL -> our ids
    ours_only = collections.defaultdict(lambda: collections.defaultdict(set))
    raw = load(a.drydock)
    # The example prints a bare array; the CLI's JSON report holds the
    # findings under `misconfigurations`.
    items = raw if isinstance(raw, list) else raw.get("misconfigurations", [])
    for m in items:
        if m.get("suppressed"):
            continue
        f = os.path.normpath(m["location"].get("file") or "")
        line = m["location"].get("line")
        dls = [r.split(":", 1)[1] for r in m.get("references", []) if r.startswith("hadolint:")]
        for dl in dls:
            dd[dl][f].add(line)
            ours_of[dl].add(m["check_id"])
        if not dls:
            ours_only[m["check_id"]][f].add(line)

    rules = sorted(set(hl) | set(dd), key=lambda c: (c.startswith("SC"), c))
    rows = []
    details = []
    tot = collections.Counter()
    for code in rules:
        hf, df = set(hl[code]), set(dd[code])
        both, only_h, only_d = hf & df, hf - df, df - hf
        hl_lines = {(f, l) for f in hl[code] for l in hl[code][f]}
        dd_lines = {(f, l) for f in dd[code] for l in dd[code][f]}
        ours = ", ".join(sorted(ours_of[code])) or "—"
        if code.startswith("SC"):
            ours = "(ShellCheck, not implemented)"
        rows.append((code, ours, len(both), len(only_h), len(only_d),
                     len(hl_lines & dd_lines), len(hl_lines - dd_lines), len(dd_lines - hl_lines)))
        if not code.startswith("SC"):
            tot.update(both=len(both), only_h=len(only_h), only_d=len(only_d))
        for f in sorted(only_h):
            details.append(f"- {code}: only hadolint in `{short.get(f, f)}` (lines {sorted(hl[code][f])})")
        for f in sorted(only_d):
            details.append(f"- {code}: only drydock ({ours}) in `{short.get(f, f)}` (lines {sorted(dd[code][f])})")
        for f in sorted(both):
            if hl[code][f] != dd[code][f]:
                details.append(f"- {code}: both in `{short.get(f, f)}`, lines differ: hadolint {sorted(hl[code][f])}, drydock {sorted(dd[code][f])}")

    out = []
    out.append(f"hadolint: {a.hadolint_version}; drydock: {a.drydock_tool}; {len(files)} Dockerfiles")
    out.append("")
    out.append("| hadolint | drydock | files both | only hadolint | only drydock | lines both | lines only hadolint | lines only drydock |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        out.append("| " + " | ".join(str(x) for x in r) + " |")
    out.append("")
    out.append(f"DL rules, file level: both {tot['both']}, only hadolint {tot['only_h']}, only drydock {tot['only_d']}")
    out.append("")
    out.append("drydock rules without a hadolint counterpart (files flagged):")
    out.append("")
    out.append("| drydock | files | where |")
    out.append("|---|---:|---|")
    for rid in sorted(ours_only):
        names = [short.get(f, f) for f in sorted(ours_only[rid])]
        where = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        out.append(f"| {rid} | {len(ours_only[rid])} | {where} |")
    out.append("")
    out.append("Differences:")
    out.append("")
    out.extend(details or ["- none"])
    text = "\n".join(out)
    print(text)
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
