#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, in one run, printed for a person to compare:
#   1. poll cycle: the dashboard's poller beside a sequential SDK-style loop, 500 live
#      conferences, 20 ms injected latency, same emulator, same run (confdash-bench poll);
#   2. render: DashboardView.render of 200x60 with 5,000 conferences (confdash-bench render);
#   3. render + draw into a real 200x60 terminal (tmux), with the bytes each refresh writes
#      (confdash-bench draw);
#   4. the dashboard in tmux against a separate emulator with 500 live conferences: first frame,
#      key press to screen, idle CPU over 60 s, bytes written while idle (bench-dashboard.sh);
#   5. the same with 5,000 conferences, for memory (RSS);
#   6. the team receiver (confdash receiver's service, in process): signed stream callbacks at
#      1,000/s over loopback into a new SQLite ledger, achieved rate and p50/p99 latency
#      (confdash-bench receiver).
#
#   scripts/bench.sh [--config release|debug] [--quick]
#
# --quick: fewer repetitions and a 15 s idle window, for a check that everything runs (a few
# minutes); the figures in BENCHMARKS.md come from a full release run.
set -euo pipefail
cd "$(dirname "$0")/.."
config=release quick=no
while [ $# -gt 0 ]; do
    case $1 in
        --config) config=$2; shift 2 ;;
        --quick) quick=yes; shift ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
reps=5 iterations=200 idle=60 receiver_seconds=20
[ "$quick" = yes ] && reps=2 iterations=50 idle=15 receiver_seconds=3

echo "== building ($config)"
swift build -c "$config" --product confdash >/dev/null
swift build -c "$config" --product confdash-bench >/dev/null
bindir=$(swift build -c "$config" --show-bin-path)
work=$(mktemp -d)
sock="bench-draw-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== machine"
echo "$(nproc) cores: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) memory"
echo "$(uname -sr), $(swift --version 2>/dev/null | head -1), build: $config, load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 1. poll cycle"
"$bindir/confdash-bench" poll --conferences 500 --latency-ms 20 --repetitions "$reps"

echo "== 2. render (no terminal)"
"$bindir/confdash-bench" render --conferences 5000 --iterations "$iterations"

echo "== 3. render + draw into a 200x60 tmux pane"
printf 'set -g status off\nset -g escape-time 0\nset -g remain-on-exit on\nset -g default-terminal tmux-256color\n' > "$work/tmux.conf"
tmux -L "$sock" -f "$work/tmux.conf" new-session -d -x 200 -y 60 -e LANG=C.UTF-8 \
    "exec '$bindir/confdash-bench' draw --conferences 5000 --iterations $((iterations / 4)) --out '$work/draw.txt' 2> '$work/draw.err'"
for _ in $(seq 600); do [ "$(tmux -L "$sock" display-message -p -t 0 '#{pane_dead}')" = 1 ] && break; sleep 0.2; done
if [ -s "$work/draw.txt" ]; then cat "$work/draw.txt"; else echo "draw failed:"; cat "$work/draw.err"; fi
tmux -L "$sock" kill-server 2>/dev/null || true

echo "== 4. the dashboard in tmux, 500 live conferences"
scripts/bench-dashboard.sh --skip-build --config "$config" --conferences 500 --idle-seconds "$idle"

echo "== 5. the dashboard in tmux, 5,000 live conferences"
scripts/bench-dashboard.sh --skip-build --config "$config" --conferences 5000 --idle-seconds "$idle" --key-presses 20

echo "== 6. the team receiver: signed callbacks at 1,000/s into SQLite"
"$bindir/confdash-bench" receiver --rate 1000 --seconds "$receiver_seconds"
