#!/usr/bin/env python3
"""Write an rpm ndb package database (Packages.db) from header blobs.

Input: lines of "<instance> <hex header blob>". Layout follows rpm's
lib/backend/ndb/rpmpkg.c: a 32-byte little-endian file header ("RpmP",
version 0, generation, slot page count, next package index), slot pages of
16-byte "Slot" records (package index, block offset, block count; block
offset 0 = free) and 16-byte blocks holding each blob framed as
"BlbS" pkgidx timestamp length <blob> <zero padding> adler32 length "BlbE".
"""
import struct
import sys
import zlib

PAGE = 4096
BLK = 16
TSTAMP = 1700000000


def main(src, dst):
    rows = [line.split() for line in open(src) if line.strip()]
    blobs = [(int(h), bytes.fromhex(b)) for h, b in rows]
    slotnpages = 1
    out = bytearray(PAGE * slotnpages)
    struct.pack_into("<4sIIII", out, 0, b"RpmP", 0, 1, slotnpages,
                     max(h for h, _ in blobs) + 1)
    # every slot record carries the magic, used or not
    for off in range(32, PAGE * slotnpages, 16):
        struct.pack_into("<4sIII", out, off, b"Slot", 0, 0, 0)
    blkoff = PAGE * slotnpages // BLK
    for slot, (pkgidx, blob) in enumerate(blobs):
        head = struct.pack("<4sIII", b"BlbS", pkgidx, TSTAMP, len(blob))
        blkcnt = (16 + len(blob) + 12 + BLK - 1) // BLK
        pad = b"\0" * (blkcnt * BLK - 16 - len(blob) - 12)
        adler = zlib.adler32(head + blob + pad)
        tail = struct.pack("<II4s", adler, len(blob), b"BlbE")
        out += head + blob + pad + tail
        struct.pack_into("<4sIII", out, 32 + slot * 16, b"Slot", pkgidx,
                         blkoff, blkcnt)
        blkoff += blkcnt
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
