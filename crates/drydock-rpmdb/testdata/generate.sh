#!/usr/bin/env bash
# Regenerates the rpm database fixtures in this directory.
#
# Needs Debian's `rpm` (rpmbuild + rpm with the sqlite backend and the
# read-only bdb backend), `db5.3-util` (db5.3_load), `sqlite3` and `python3`:
#   apt-get install -y rpm db5.3-util sqlite3
#
# Debian's rpm can only *write* sqlite databases, so:
#   - rpmdb.sqlite         is written by rpm itself (--justdb installs);
#   - Packages.bdb-le/-be  are Berkeley DB hash files written by db5.3_load from
#                          the header blobs rpm stored in the sqlite database,
#                          keyed like rpm does it (4-byte instance numbers plus
#                          the instance-0 bookkeeping record), then read back
#                          with rpm's own bdb_ro backend as a cross-check;
#   - Packages.ndb         is written by ndb_write.py (rpm's ndb layout: 32-byte
#                          header, slot page, BlbS/BlbE framed blobs with
#                          adler32), since Debian's rpm is built without ndb.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

export SOURCE_DATE_EPOCH=1700000000
common=(
  --define "_topdir $work/top"
  --define "_buildhost drydock.invalid"
  --define "use_source_date_epoch_as_buildtime 1"
  --define "clamp_mtime_to_source_date_epoch 1"
  --define "_build_id_links none"
)

mkdir -p "$work/specs"
cat > "$work/specs/alpha.spec" <<'SPEC'
Name: drydock-alpha
Version: 1.0
Release: 1
Summary: drydock test package alpha
License: MIT
Vendor: Drydock Test
BuildArch: noarch

%description
Test fixture.

%install
mkdir -p %{buildroot}/usr/share/drydock-alpha %{buildroot}/usr/bin
echo alpha > %{buildroot}/usr/share/drydock-alpha/a.txt
printf '#!/bin/sh\necho alpha\n' > %{buildroot}/usr/bin/drydock-alpha
chmod 755 %{buildroot}/usr/bin/drydock-alpha

%files
/usr/bin/drydock-alpha
/usr/share/drydock-alpha/a.txt
SPEC

cat > "$work/specs/beta.spec" <<'SPEC'
Name: drydock-beta
Epoch: 2
Version: 3.4.5
Release: 6.fc99
Summary: drydock test package beta
License: GPL-2.0-or-later
BuildArch: noarch

%description
Test fixture with an epoch.

%install
mkdir -p %{buildroot}/etc %{buildroot}/usr/share/doc/drydock-beta
echo beta > %{buildroot}/etc/drydock-beta.conf
echo readme > %{buildroot}/usr/share/doc/drydock-beta/README

%files
%config(noreplace) /etc/drydock-beta.conf
/usr/share/doc/drydock-beta/README
SPEC

cat > "$work/specs/gamma.spec" <<'SPEC'
Name: drydock-gamma
Version: 0.1~rc1
Release: 0.1.module+el9+123
Summary: drydock test package gamma
License: Apache-2.0 AND MIT
BuildArch: noarch

%description
Test fixture with a modularity label.

%install
mkdir -p %{buildroot}/opt/gamma/lib
echo gamma > %{buildroot}/opt/gamma/lib/libgamma.txt

%files
%dir /opt/gamma
/opt/gamma/lib/libgamma.txt
SPEC

rpmbuild "${common[@]}" -bb "$work/specs/alpha.spec" >/dev/null 2>&1
rpmbuild "${common[@]}" -bb "$work/specs/beta.spec" >/dev/null 2>&1
rpmbuild "${common[@]}" --define "modularitylabel gamma:0.1:20240101:abcdef" \
  -bb "$work/specs/gamma.spec" >/dev/null 2>&1

# --- sqlite, written by rpm itself -------------------------------------------
db="$work/sqlite"
mkdir -p "$db"
rpm --dbpath "$db" --define '_db_backend sqlite' --initdb
rpm --dbpath "$db" --define '_db_backend sqlite' -i --justdb --nodeps \
  --nosignature --nodigest --noscripts \
  "$work"/top/RPMS/noarch/drydock-alpha-*.rpm \
  "$work"/top/RPMS/noarch/drydock-beta-*.rpm \
  "$work"/top/RPMS/noarch/drydock-gamma-*.rpm 2>/dev/null
# Shrink: fold the WAL back in, rebuild with 1 KiB pages, then put the file
# back in WAL mode, as rpm leaves it (the parser must cope with that header).
sqlite3 "$db/rpmdb.sqlite" \
  'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE; PRAGMA page_size=1024; VACUUM; PRAGMA journal_mode=WAL;' >/dev/null
sqlite3 "$db/rpmdb.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
cp "$db/rpmdb.sqlite" "$here/rpmdb.sqlite"
rpm --dbpath "$db" --define '_db_backend sqlite' -qa --qf '%{NAME}\n' | sort > "$work/expected.txt"

# --- header blobs -------------------------------------------------------------
sqlite3 -separator ' ' "$db/rpmdb.sqlite" \
  'SELECT hnum, hex(blob) FROM Packages ORDER BY hnum' > "$work/blobs.txt"

# --- Berkeley DB hash, both byte orders ---------------------------------------
# db_load's "bytevalue" dump format: one hex line per key, then per value.
mkdump() { # $1 = little|big, $2 = page size
  python3 - "$work/blobs.txt" "$1" "$2" <<'PY'
import struct, sys
path, order, pagesize = sys.argv[1], sys.argv[2], int(sys.argv[3])
fmt = "<I" if order == "little" else ">I"
rows = [l.split() for l in open(path) if l.strip()]
print("VERSION=3\nformat=bytevalue\ntype=hash")
print("db_pagesize=%d" % pagesize)
print("db_lorder=%d" % (1234 if order == "little" else 4321))
print("HEADER=END")
# rpm keeps the highest instance number under key 0
print(" " + struct.pack(fmt, 0).hex())
print(" " + struct.pack(fmt, max(int(r[0]) for r in rows)).hex())
for hnum, blob in rows:
    print(" " + struct.pack(fmt, int(hnum)).hex())
    print(" " + blob.lower())
print("DATA=END")
PY
}
# Small pages force every header onto overflow-page chains; big pages keep
# them on the hash page itself. One fixture each covers both item kinds.
mkdump big 512 > "$work/be.dump"
mkdump little 16384 > "$work/le.dump"
for v in be le; do
  rm -rf "$work/bdb-$v"; mkdir -p "$work/bdb-$v"
  db5.3_load -f "$work/$v.dump" "$work/bdb-$v/Packages"
  # Cross-check with rpm's own read-only Berkeley DB reader.
  rpm --dbpath "$work/bdb-$v" --define '_db_backend bdb_ro' -qa --qf '%{NAME}\n' 2>/dev/null \
    | sort > "$work/got-$v.txt"
  cp "$work/bdb-$v/Packages" "$here/Packages.bdb-$v"
done
diff "$work/expected.txt" "$work/got-le.txt"
diff "$work/expected.txt" "$work/got-be.txt"

# --- NDB -------------------------------------------------------------------------
python3 "$here/ndb_write.py" "$work/blobs.txt" "$here/Packages.ndb"

ls -l "$here"
