#!/usr/bin/env python3
"""Writes a synthetic docker archive (`docker save` layout) with many small files.

The image stresses the per-entry cost of a scan rather than the byte
throughput: 200,000 files of at most a few hundred bytes spread over four
layers, with real diff_ids so that digest verification does its work, plus
enough package metadata that the analyzers find something:

  layer 0  a Debian-like base: /var/lib/dpkg/status with DPKG_PACKAGES
           packages, their /var/lib/dpkg/info/*.list files and /usr files
  layer 1  an application: node_modules with NPM_PACKAGES package.json files
           and their sources, Python dist-info directories
  layer 2  bulk data: the remaining small files under /srv/data
  layer 3  an update: a rewritten dpkg status (one package more, one upgraded),
           whiteouts for a few node packages and for one data directory

The output is deterministic for given arguments (fixed seed, fixed mtimes),
so repeated runs of the benchmark scan the same bytes.

usage: synthetic.py OUT.docker.tar [--files N]
"""

import argparse
import hashlib
import io
import json
import os
import random
import sys
import tarfile

MTIME = 1_700_000_000
DPKG_PACKAGES = 120
NPM_PACKAGES = 2_000
PY_PACKAGES = 150


class LayerWriter:
    """Writes one uncompressed layer tar and counts its regular files."""

    def __init__(self, path):
        self.path = path
        self.tar = tarfile.open(path, "w", format=tarfile.GNU_FORMAT)
        self.files = 0
        self.dirs = set()

    def _dir(self, name):
        parent = os.path.dirname(name)
        if not parent or parent in self.dirs:
            return
        self._dir(parent)
        self.dirs.add(parent)
        info = tarfile.TarInfo(parent + "/")
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        info.mtime = MTIME
        self.tar.addfile(info)

    def file(self, name, data, mode=0o644):
        if isinstance(data, str):
            data = data.encode()
        self._dir(name)
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = mode
        info.mtime = MTIME
        self.tar.addfile(info, io.BytesIO(data))
        self.files += 1

    def whiteout(self, name):
        base = os.path.basename(name.rstrip("/"))
        self.file(os.path.join(os.path.dirname(name.rstrip("/")), ".wh." + base), b"")
        self.files -= 1

    def close(self):
        self.tar.close()
        h = hashlib.sha256()
        with open(self.path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()


PRINTABLE = bytes(b % 94 + 32 for b in range(256))


def filler(rng, lo=40, hi=400):
    return rng.randbytes(rng.randint(lo, hi)).translate(PRINTABLE)


def dpkg_stanza(name, version, arch="amd64"):
    return (
        f"Package: {name}\nStatus: install ok installed\nPriority: optional\n"
        f"Section: libs\nInstalled-Size: 123\nMaintainer: Bench <bench@example.invalid>\n"
        f"Architecture: {arch}\nSource: {name}-src\nVersion: {version}\n"
        f"Description: synthetic package {name}\n synthetic package for the drydock benchmark\n\n"
    )


def build(out, total_files):
    rng = random.Random(20261123)
    work = out + ".parts"
    os.makedirs(work, exist_ok=True)
    layers = []

    # Layer 0: base system with dpkg.
    l0 = LayerWriter(os.path.join(work, "l0.tar"))
    pkgs = [(f"libsynth{i}", f"1.{i % 7}.{i % 13}-{i % 3 + 1}") for i in range(DPKG_PACKAGES)]
    l0.file("etc/os-release", 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'
            'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
    l0.file("etc/debian_version", "12.7\n")
    l0.file("var/lib/dpkg/status", "".join(dpkg_stanza(n, v) for n, v in pkgs))
    base_budget = total_files * 15 // 100
    per_pkg = max(1, base_budget // DPKG_PACKAGES)
    for name, _ in pkgs:
        paths = [f"usr/lib/x86_64-linux-gnu/{name}/f{j}.dat" for j in range(per_pkg)]
        for p in paths:
            l0.file(p, filler(rng))
        l0.file(f"var/lib/dpkg/info/{name}:amd64.list", "".join("/" + p + "\n" for p in paths))
    layers.append(l0)

    # Layer 1: an application with node_modules and Python packages.
    l1 = LayerWriter(os.path.join(work, "l1.tar"))
    app_budget = total_files * 35 // 100
    per_npm = max(1, (app_budget - 3 * PY_PACKAGES) // NPM_PACKAGES - 1)
    for i in range(NPM_PACKAGES):
        scope = f"@scope{i % 20}/" if i % 5 == 0 else ""
        name = f"{scope}synth-mod-{i}"
        base = f"app/node_modules/{name}"
        l1.file(f"{base}/package.json", json.dumps({
            "name": name, "version": f"{i % 9}.{i % 17}.{i % 5}", "license": "MIT",
            "description": "synthetic module", "main": "index.js",
            "dependencies": {f"synth-mod-{(i * 7 + 1) % NPM_PACKAGES}": "*"},
        }, indent=2))
        for j in range(per_npm):
            l1.file(f"{base}/lib/part{j}.js", b"module.exports=" + filler(rng, 20, 200).replace(b"`", b"'") + b"\n")
    l1.file("app/package.json", json.dumps({"name": "synthetic-app", "version": "1.0.0", "private": True}))
    for i in range(PY_PACKAGES):
        d = f"usr/lib/python3/dist-packages/synth_py{i}-0.{i}.0.dist-info"
        l1.file(f"{d}/METADATA", f"Metadata-Version: 2.1\nName: synth-py{i}\nVersion: 0.{i}.0\nLicense: MIT\n\n")
        l1.file(f"{d}/RECORD", f"synth_py{i}/__init__.py,,\n")
        l1.file(f"usr/lib/python3/dist-packages/synth_py{i}/__init__.py", filler(rng))
    layers.append(l1)

    # Layer 2: bulk small files, up to the requested total.
    l2 = LayerWriter(os.path.join(work, "l2.tar"))
    reserved = 20  # files layer 3 adds
    remaining = total_files - l0.files - l1.files - reserved
    for k in range(max(0, remaining)):
        l2.file(f"srv/data/d{k // 1000:03d}/e{k % 1000:03d}.txt", filler(rng, 10, 300))
    layers.append(l2)

    # Layer 3: an update that rewrites the dpkg status and deletes things.
    l3 = LayerWriter(os.path.join(work, "l3.tar"))
    upd = list(pkgs)
    upd[0] = (upd[0][0], "9.9.9-1")
    upd.append(("synth-late", "2.0-1"))
    l3.file("var/lib/dpkg/status", "".join(dpkg_stanza(n, v) for n, v in upd))
    l3.file("var/lib/dpkg/info/synth-late:amd64.list", "/usr/bin/synth-late\n")
    l3.file("usr/bin/synth-late", b"#!/bin/sh\necho late\n", 0o755)
    for i in (1, 2, 3, 4, 6, 7, 8, 9):
        l3.whiteout(f"app/node_modules/synth-mod-{i}")
    l3.whiteout("srv/data/d000")
    while l3.files < reserved:
        l3.file(f"etc/synth/conf{l3.files}.conf", filler(rng))
    layers.append(l3)

    diff_ids = [l.close() for l in layers]
    files = sum(l.files for l in layers)
    config = {
        "architecture": "amd64", "os": "linux", "created": "2026-11-23T00:00:00Z",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
        "history": [{"created": "2026-11-23T00:00:00Z", "created_by": f"synthetic layer {i}"}
                    for i in range(len(layers))],
    }
    config_bytes = json.dumps(config, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["synthetic:1"],
                 "Layers": [f"{d}/layer.tar" for d in diff_ids]}]

    tmp = out + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.GNU_FORMAT) as t:
        def add_bytes(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = MTIME
            t.addfile(info, io.BytesIO(data))
        for l, d in zip(layers, diff_ids):
            info = t.gettarinfo(l.path, arcname=f"{d}/layer.tar")
            info.mtime = MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(l.path, "rb") as f:
                t.addfile(info, f)
        add_bytes(config_name, config_bytes)
        add_bytes("manifest.json", json.dumps(manifest).encode())
    os.replace(tmp, out)
    for l in layers:
        os.remove(l.path)
    os.rmdir(work)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=200_000)
    args = ap.parse_args()
    files = build(args.out, args.files)
    size = os.path.getsize(args.out)
    print(f"wrote {args.out}: {files} regular files, {size / 1e6:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
