#!/usr/bin/env python3
"""What a running confdash's heap holds, from outside: glibc's own accounting (malloc_info) and
each block large enough to be mapped on its own (128 KiB and up, see Allocator.swift), named by
its Swift type (the runtime's swift_getTypeName, called through gdb).

    scripts/heap-census.py PID

It stops the process for about a second (gdb attaches). Needs gdb and the right to ptrace PID.
Naming a block runs swift_getTypeName inside the process: in one soak a second run of this script
never came back (gdb waited on the call; the dashboard kept running and answering keys), so use it
on a run whose verdict does not depend on it, and kill a stuck gdb only once that run is over.
A block whose first word is not Swift type metadata (a C buffer, a NIO ByteBuffer's bytes) shows
as "not a Swift object". Figures move with what is in flight at that moment: compare several.
"""
import re
import struct
import subprocess
import sys
import tempfile


def gdb(pid, commands):
    args = ["gdb", "-p", str(pid), "-batch"]
    for command in commands:
        args += ["-ex", command]
    return subprocess.run(args, capture_output=True, text=True).stdout


def malloc_totals(pid):
    with tempfile.NamedTemporaryFile(suffix=".xml") as out:
        gdb(pid, [f'set $f = (void*)fopen("{out.name}", "w")', "call (int)malloc_info(0, $f)", "call (int)fclose($f)"])
        xml = open(out.name).read()
    m = re.search(
        r'</heap>\s*<total type="fast" count="\d+" size="(\d+)"/>\s*<total type="rest" count="\d+" size="(\d+)"/>'
        r'\s*<total type="mmap" count="(\d+)" size="(\d+)"/>\s*<system type="current" size="(\d+)"/>', xml)
    if not m:
        return None
    fast, rest, mmaps, mapped, system = (int(x) for x in m.groups())
    return {"arenas": system, "free in arenas": fast + rest, "in use in arenas": system - fast - rest,
            "mapped blocks": mapped, "mapped count": mmaps}


def mapped_blocks(pid):
    blocks = []
    with open(f"/proc/{pid}/mem", "rb") as mem:
        for line in open(f"/proc/{pid}/maps"):
            fields = line.split()
            if len(fields) > 5 or "rw" not in fields[1]:
                continue  # named mappings (files, stacks, the heap) and read-only ones
            start, end = (int(x, 16) for x in fields[0].split("-"))
            at = start
            while at < end:
                try:
                    mem.seek(at)
                    _, size, first = struct.unpack("<QQQ", mem.read(24))
                except (OSError, ValueError, struct.error):
                    break
                size_ = size & ~7
                if not size & 2 or size_ < 4096 or at + size_ > end:
                    break  # not a chunk glibc mapped (IS_MMAPPED) at this address
                blocks.append((size_, first))
                at += size_
    return blocks


def main():
    pid = int(sys.argv[1])
    totals = malloc_totals(pid)
    if totals:
        print("malloc: " + ", ".join(f"{k} {v // 1024} KiB" if k != "mapped count" else f"{k} {v}" for k, v in totals.items()))
    blocks = mapped_blocks(pid)
    names = gdb(pid, [f"print (char*)swift_getTypeName({first:#x}, 1)" for _, first in blocks])
    printed = [re.sub(r'^\$\d+ = 0x[0-9a-f]+ ', "", l).strip('"') for l in names.splitlines() if l.startswith("$")]
    if len(printed) != len(blocks):
        printed = ["not a Swift object"] * len(blocks)  # gdb stopped early: name none rather than misname
    by_type = {}
    for (size, _), name in zip(blocks, printed):
        name = name if name and not name.startswith("$") and "Cannot" not in name else "not a Swift object"
        by_type.setdefault(name, []).append(size)
    for name, sizes in sorted(by_type.items(), key=lambda kv: -sum(kv[1])):
        print(f"{sum(sizes) // 1024:8d} KiB  {len(sizes):3d} x  {name}")
    print(f"{sum(s for s, _ in blocks) // 1024:8d} KiB in {len(blocks)} mapped blocks")


if __name__ == "__main__":
    main()
