#!/usr/bin/env python3
"""Prints the benchmark table from bench/out/results.tsv (written by bench/sbom.sh).

Packages are CycloneDX components that carry a purl, counted through nested
components, in the report of the last successful round; "components" counts
every component (Trivy adds one per lock/manifest file, Syft one for the OS).

usage: summary.py RESULTS.tsv
"""

import csv
import json
import statistics
import sys

TARGETS = {
    # image: (max drydock/trivy, max drydock/syft, max drydock RSS MB)
    "shop": (0.5, 0.1, 150),
    "synthetic": (None, None, 300),
}


def count(path):
    try:
        with open(path) as f:
            bom = json.load(f)
    except (OSError, ValueError):
        return None, None
    total = with_purl = 0
    stack = list(bom.get("components") or [])
    while stack:
        c = stack.pop()
        total += 1
        with_purl += bool(c.get("purl"))
        stack.extend(c.get("components") or [])
    return with_purl, total


def main():
    rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
    images = list(dict.fromkeys(r["image"] for r in rows))
    for image in images:
        stats = {}
        for tool in dict.fromkeys(r["tool"] for r in rows if r["image"] == image):
            ok = [r for r in rows if r["image"] == image and r["tool"] == tool and r["status"] == "0"]
            failed = sum(1 for r in rows if r["image"] == image and r["tool"] == tool) - len(ok)
            if not ok:
                stats[tool] = None
                continue
            pkgs, comps = count(ok[-1]["report"])
            stats[tool] = {
                "n": len(ok), "failed": failed,
                "wall": statistics.median(float(r["wall_s"]) for r in ok),
                "rss": statistics.median(int(r["rss_kb"]) for r in ok) / 1024,
                "pkgs": pkgs, "comps": comps,
            }
        dd = stats.get("drydock")
        print(f"\n{image}")
        print(f"{'tool':<12} {'runs':>4} {'wall s':>7} {'RSS MiB':>8} {'packages':>8} {'comps':>6} {'drydock/tool':>12}")
        for tool, s in stats.items():
            if s is None:
                print(f"{tool:<12} all runs failed")
                continue
            ratio = f"{dd['wall'] / s['wall']:.2f}x" if dd and not tool.startswith("drydock") else "-"
            runs = f"{s['n']}" + (f"+{s['failed']}F" if s["failed"] else "")
            print(f"{tool:<12} {runs:>4} {s['wall']:>7.2f} {s['rss']:>8.0f} "
                  f"{s['pkgs'] if s['pkgs'] is not None else '?':>8} "
                  f"{s['comps'] if s['comps'] is not None else '?':>6} {ratio:>12}")
        if not dd:
            continue
        max_trivy, max_syft, max_rss = TARGETS.get(image, (None, None, None))
        checks = []
        for tool, limit in (("trivy", max_trivy), ("syft", max_syft)):
            if limit is None:
                continue
            s = stats.get(tool)
            if not s:
                checks.append(f"wall <= {limit}x {tool}: not measured")
                continue
            r = dd["wall"] / s["wall"]
            checks.append(f"wall <= {limit}x {tool}: {'HOLDS' if r <= limit else 'MISSED'} ({r:.2f}x)")
        if max_rss is not None:
            checks.append(f"peak RSS < {max_rss} MB: {'HOLDS' if dd['rss'] * 1.048576 < max_rss else 'MISSED'} "
                          f"({dd['rss'] * 1.048576:.0f} MB)")
        for c in checks:
            print(f"  target {c}")


if __name__ == "__main__":
    main()
