#!/usr/bin/env python3
"""Key press to screen update, as tmux sees it: a control-mode client (tmux -C) sends a key to
the pane and times the first %output notification that follows, i.e. the moment the program's
redraw reaches the terminal. No capture-pane polling, so no tmux client start-up in the figure.

    key-latency.py SOCKET [PRESSES] [KEY ...]

Prints one line: median, p95, p99, max and mean in milliseconds, of the first output after each
press; then the same of the frame's last output (the end of the burst of output that follows the
press: outputs less than 10 ms apart), i.e. the whole frame on screen. A program that writes its
frame in many small writes shows its first output early and its last late; one that writes it
whole shows both at once. The keys (tmux key names) are
pressed in turn, PRESSES in all (rounded up to whole rounds of them); by default j and k, so the selection moves and every press must
redraw. `s` sorts the table by the next column; `/ 5 5 5 BSpace BSpace BSpace Escape` types a
filter and takes it back, each key filtering every conference again. Waits for the screen to go
quiet between presses.
"""
import os
import select
import statistics
import subprocess
import sys
import time

socket_name = sys.argv[1]
presses = int(sys.argv[2]) if len(sys.argv) > 2 else 40
keys = [k.encode() for k in sys.argv[3:]] or [b"j", b"k"]
# Whole rounds of the keys, so the screen is left as found (a filter typed and taken back, not
# left open for the next key to land in).
presses = -(-presses // len(keys)) * len(keys)
client = subprocess.Popen(
    ["tmux", "-L", socket_name, "-C", "attach-session", "-t", "0"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
fd = client.stdout.fileno()
pending = b""


def read_lines(timeout):
    """Complete lines that arrive within `timeout` seconds (an empty list when none do)."""
    global pending
    ready, _, _ = select.select([fd], [], [], max(0, timeout))
    if not ready:
        return []
    chunk = os.read(fd, 65536)
    if not chunk:
        raise SystemExit("key-latency: the control client ended")
    pending += chunk
    *lines, pending = pending.split(b"\n")
    return lines


# Outputs closer than this belong to one frame; a later one is another frame (a clock's tick).
BURST_GAP = 0.010


def drain(quiet, last=None):
    """Reads until nothing has arrived for `quiet` seconds. With `last` (the time of the frame's
    latest output so far), returns the time of the last output of that burst."""
    while True:
        lines = read_lines(quiet)
        if not lines:
            return last
        now = time.perf_counter()
        if last is not None and any(line.startswith(b"%output") for line in lines) and now - last < BURST_GAP:
            last = now


drain(0.5)
samples = []
whole = []
by_key = {}
for i in range(presses):
    key = keys[i % len(keys)]
    start = time.perf_counter()
    client.stdin.write(b"send-keys -t 0 " + key + b"\n")
    deadline = start + 2
    seen = None
    while seen is None and time.perf_counter() < deadline:
        if any(line.startswith(b"%output") for line in read_lines(deadline - time.perf_counter())):
            seen = time.perf_counter()
    if seen is None:
        raise SystemExit(f"key-latency: no output within 2 s of press {i + 1}")
    samples.append((seen - start) * 1000)
    by_key.setdefault((i % len(keys), key.decode()), []).append(samples[-1])
    # The rest of the frame: read until the outputs stop coming closer than BURST_GAP apart,
    # then until the screen is quiet.
    whole.append((drain(BURST_GAP, seen) - start) * 1000)
    drain(0.1)
client.stdin.close()
client.wait(timeout=5)


def summary(values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return (f"median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms, max {values[-1]:.2f} ms, "
            f"mean {statistics.mean(values):.2f} ms")


print(f"{summary(samples)} (n={len(samples)})")
print(f"    whole frame (its last output): {summary(whole)}")
# With several keys, which of them are slow: each key's place in the round, median and slowest.
if len(keys) > 1:
    print("    by key (median/max ms): " + ", ".join(
        f"{name} {statistics.median(times):.1f}/{max(times):.1f}" for (_, name), times in sorted(by_key.items())))
