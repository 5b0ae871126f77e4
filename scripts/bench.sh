#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, in one run, printed for a person to compare:
#   1. poll cycle: the dashboard's poller beside a sequential SDK-style loop, 500 live
#      conferences, 20 ms injected latency, same emulator, same run (confdash-bench poll);
#   2. render: DashboardView.render of 200x60 with 5,000 conferences (confdash-bench render);
#   3. render + draw into a real 200x60 terminal (tmux), with the bytes each refresh writes
#      (confdash-bench draw);
#   4. the dashboard in tmux against a separate emulator with 500 live conferences: first frame,
#      key press to screen, idle CPU over 60 s, bytes written while idle (bench-dashboard.sh);
#      4c: the same with conference events flowing to the dashboard (--events: its receiver on,
#      the emulator's conference events pointed at it), where the sweeps are a safety net;
#   5. the same with 5,000 conferences, for memory (RSS); 5b: 10,000 conferences with events;
#      5c: bytes kept per conference and per participant (confdash-bench memory, 2,000);
#   6. the team receiver (confdash receiver's service): signed stream callbacks at 1,000/s over
#      loopback, achieved rate, p50/p99 latency and CPU (confdash-bench receiver): (a) in process
#      into a new SQLite ledger; (b) in process into PostgreSQL; (c) into PostgreSQL with the
#      receiver and the generator as two processes. PostgreSQL is a throwaway server started
#      here (initdb and pg_ctl in a temporary directory, on a free loopback port, as the
#      `postgres` user when run as root), its password passed in the environment only.
#
#   scripts/bench.sh [--config release|debug] [--quick] [--receiver-only] [--poll-only]
#
# --quick: fewer repetitions and a 15 s idle window, for a check that everything runs (a few
# minutes); the figures in BENCHMARKS.md come from a full release run. --receiver-only: part 6
# alone (builds confdash-bench only). --poll-only: part 1 alone (the full first poll beside
# twilio-python's loop, which it installs into a virtual environment from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
config=release quick=no receiver_only=no poll_only=no
while [ $# -gt 0 ]; do
    case $1 in
        --config) config=$2; shift 2 ;;
        --quick) quick=yes; shift ;;
        --receiver-only) receiver_only=yes; shift ;;
        --poll-only) poll_only=yes; shift ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
reps=5 iterations=200 idle=60 receiver_seconds=20
[ "$quick" = yes ] && reps=2 iterations=50 idle=15 receiver_seconds=3

echo "== building ($config)"
# CONFDASH_BUILD_PATH: a build directory of its own (SwiftPM locks one directory per build, so a
# release build there does not hold up debug builds in .build).
scratch=(--scratch-path "${CONFDASH_BUILD_PATH:-.build}")
[ "$receiver_only" = yes ] || swift build "${scratch[@]}" -c "$config" --product confdash >/dev/null
swift build "${scratch[@]}" -c "$config" --product confdash-bench >/dev/null
bindir=$(swift build "${scratch[@]}" -c "$config" --show-bin-path)
work=$(mktemp -d)
sock="bench-draw-$$"
pg_dir="" pg_ctl="" serve_pid=""
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    [ -n "$pg_ctl" ] && as_postgres "$pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    [ -n "$pg_dir" ] && rm -rf "$pg_dir"
    rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: under root its commands run as the `postgres` account.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A PostgreSQL binary from PATH or the newest /usr/lib/postgresql/*/bin.
pg_binary() {
    command -v "$1" 2>/dev/null && return
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 | sed "s|\$|/$1|"
}

# A throwaway PostgreSQL server for part 6, as the store tests start theirs (TestPostgres):
# scram-sha-256 with a password made here and never put in argv, durable commits (fsync on) as
# in production, loopback only. Sets pg_url and CONFDASH_STORE_PASSWORD.
start_postgres() {
    local initdb psql pg_port password
    initdb=$(pg_binary initdb) pg_ctl=$(pg_binary pg_ctl) psql=$(pg_binary psql)
    if [ ! -x "$initdb" ] || [ ! -x "$pg_ctl" ] || [ ! -x "$psql" ]; then
        echo "PostgreSQL's initdb, pg_ctl and psql are not installed: skipping PostgreSQL" >&2
        pg_ctl=""
        return 1
    fi
    pg_dir=$(mktemp -d /tmp/confdash-bench-pg.XXXXXX)
    pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    (umask 077; printf '%s' "$password" > "$pg_dir/pwfile")
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pg_dir"
    as_postgres "$initdb" -D "$pg_dir/data" -U confdash --pwfile "$pg_dir/pwfile" --auth scram-sha-256 \
        -E UTF8 --locale C --no-sync >"$work/initdb.log" 2>&1
    rm -f "$pg_dir/pwfile"
    as_postgres "$pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 60 \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    PGPASSWORD=$password "$psql" -h 127.0.0.1 -p "$pg_port" -U confdash -d postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE bench_inprocess" -c "CREATE DATABASE bench_split_16" -c "CREATE DATABASE bench_split_64"
    export CONFDASH_STORE_PASSWORD=$password
    pg_url="postgres://confdash@127.0.0.1:$pg_port"
    echo "PostgreSQL $("$psql" --version | awk '{print $3}') on 127.0.0.1:$pg_port (fsync on, synchronous_commit on)"
}

# CPU seconds (user + system) the PostgreSQL server has used so far: the postmaster with the
# backends it has reaped (cutime, cstime), and the processes it still runs.
postgres_cpu() {
    local main total=0 pid
    main=$(head -1 "$pg_dir/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
    total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$main/stat")
    for pid in $(pgrep -P "$main"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

echo "== machine"
echo "$(nproc) cores: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) memory"
echo "$(uname -sr), $(swift --version 2>/dev/null | head -1), build: $config, load average: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$receiver_only" = no ]; then
echo "== 1. full first poll of 500 live conferences at 20 ms a request: the dashboard beside twilio-python"
# One emulator process for both, so both read the same conferences through the same latency.
"$bindir/confdash" emulator --port 0 --conferences 0 > "$work/poll-emulator.out" 2>&1 &
poll_emulator=$!
for _ in $(seq 100); do grep -q listening "$work/poll-emulator.out" 2>/dev/null && break; sleep 0.1; done
poll_space=$(sed -n 's/.*SIGNALWIRE_SPACE=//p' "$work/poll-emulator.out")
curl -fsS -X POST "$poll_space/__admin/seed" -d '{"conferences": 500}' >/dev/null
curl -fsS -X POST -H "Content-Type: application/json" "$poll_space/__admin/faults" -d '{"latencyMs": 20}' >/dev/null
# The credentials in the environment only, never argv.
SIGNALWIRE_PROJECT_ID=$(sed -n 's/.*SIGNALWIRE_PROJECT_ID=//p' "$work/poll-emulator.out")
SIGNALWIRE_API_TOKEN=$(sed -n 's/.*SIGNALWIRE_API_TOKEN=//p' "$work/poll-emulator.out")
export SIGNALWIRE_PROJECT_ID SIGNALWIRE_API_TOKEN
"$bindir/confdash-bench" poll --conferences 500 --repetitions "$reps" --target "$poll_space" | tee "$work/poll.txt"
# twilio-python 9.x in a virtual environment of its own (PyPI, once per run).
if python3 -m venv "$work/venv" >/dev/null 2>&1 && "$work/venv/bin/pip" install -q 'twilio>=9,<10' >/dev/null 2>&1; then
    "$work/venv/bin/python" scripts/sdk-poll.py "$poll_space" 3 > "$work/sdk.json"
    python3 - "$work/sdk.json" "$work/poll.txt" <<'PY'
import json, re, statistics, sys
sdk = json.load(open(sys.argv[1]))
ours = re.search(r"full first poll.*?median ([0-9.]+) ms", open(sys.argv[2]).read()).group(1)
theirs = statistics.median(sdk["seconds"]) * 1000
print(f"  twilio-python 9.x, sequential list-then-participants ({sdk['requests']} requests)  "
      f"median {theirs:.1f} ms  (min {min(sdk['seconds']) * 1000:.1f}, max {max(sdk['seconds']) * 1000:.1f}, n={len(sdk['seconds'])})")
print(f"  the dashboard's full first poll is faster than twilio-python's loop by {theirs / float(ours):.1f}x (median over median)")
PY
else
    echo "  twilio-python could not be installed (no PyPI?): its loop is skipped"
fi
unset SIGNALWIRE_PROJECT_ID SIGNALWIRE_API_TOKEN
kill "$poll_emulator" 2>/dev/null; wait "$poll_emulator" 2>/dev/null || true
[ "$poll_only" = yes ] && exit 0

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

echo "== 4c. the same with conference events flowing to it"
scripts/bench-dashboard.sh --skip-build --config "$config" --conferences 500 --idle-seconds "$idle" --events

echo "== 4b. htop beside it: the same 200x60 tmux pane, the same 2 s refresh, the same idle window"
if command -v htop >/dev/null; then
    tmux -L "$sock-htop" -f "$work/tmux.conf" new-session -d -x 200 -y 60 -e LANG=C.UTF-8 "exec htop -d 20"
    sleep 3
    htop_pid=$(tmux -L "$sock-htop" list-panes -F '#{pane_pid}')
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$htop_pid/stat")
    sleep "$idle"
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$htop_pid/stat")
    awk -v t=$(( (u1 - u0) + (s1 - s0) )) -v hz="$(getconf CLK_TCK)" -v s="$idle" \
        'BEGIN { printf "htop idle CPU over %d s (refresh every 2 s): %.2f%% of one core\n", s, 100 * t / hz / s }'
    echo "htop memory: RSS $(awk '/VmRSS/ {print $2, $3}' "/proc/$htop_pid/status")"
    tmux -L "$sock-htop" kill-server 2>/dev/null || true
else
    echo "htop is not installed (apt-get install htop): skipped"
fi

echo "== 5. the dashboard in tmux, 5,000 live conferences"
scripts/bench-dashboard.sh --skip-build --config "$config" --conferences 5000 --idle-seconds "$idle" --key-presses 20

echo "== 5b. the dashboard in tmux, 10,000 live conferences (about 50,000 participants), conference events flowing"
scripts/bench-dashboard.sh --skip-build --config "$config" --conferences 10000 --idle-seconds "$idle" --key-presses 20 --events

echo "== 5c. what the dashboard keeps per conference and per participant (2,000 conferences)"
# Against an emulator of its own process, so that nothing the emulator allocates is counted.
"$bindir/confdash" emulator --port 0 --conferences 0 > "$work/memory-emulator.out" 2>&1 &
memory_emulator=$!
for _ in $(seq 100); do grep -q listening "$work/memory-emulator.out" 2>/dev/null && break; sleep 0.1; done
memory_space=$(sed -n 's/.*SIGNALWIRE_SPACE=//p' "$work/memory-emulator.out")
curl -fsS -X POST "$memory_space/__admin/seed" -d '{"conferences": 2000}' >/dev/null
SIGNALWIRE_PROJECT_ID=$(sed -n 's/.*SIGNALWIRE_PROJECT_ID=//p' "$work/memory-emulator.out") \
SIGNALWIRE_API_TOKEN=$(sed -n 's/.*SIGNALWIRE_API_TOKEN=//p' "$work/memory-emulator.out") \
    "$bindir/confdash-bench" memory --target "$memory_space" --conferences 2000
kill "$memory_emulator" 2>/dev/null || true
fi

echo "== 6a. the team receiver: signed callbacks at 1,000/s into SQLite (one process)"
"$bindir/confdash-bench" receiver --rate 1000 --seconds "$receiver_seconds"

if start_postgres; then
    echo "== 6b. the team receiver: signed callbacks at 1,000/s into PostgreSQL (one process)"
    before=$(postgres_cpu)
    "$bindir/confdash-bench" receiver --rate 1000 --seconds "$receiver_seconds" \
        --store "$pg_url/bench_inprocess?sslmode=disable"
    echo "  PostgreSQL server CPU over the run (warm-up included): $(awk -v a="$before" -v b="$(postgres_cpu)" 'BEGIN { printf "%.2f s", b - a }')"

    # The sender's connections bound what reaches the receiver at once, so how many callbacks
    # one commit can carry (group commit): 16, and 64 as a service sending from many workers.
    for senders in 16 64; do
    echo "== 6c. the same, the receiver and the generator as two processes, the sender on $senders connections"
    CONFDASH_BENCH_SIGNING_KEY="PSKbench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    export CONFDASH_BENCH_SIGNING_KEY
    serve_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$bindir/confdash-bench" receiver --serve "$serve_port" --store "$pg_url/bench_split_$senders?sslmode=disable" \
        > "$work/serve.txt" 2>&1 &
    serve_pid=$!
    for _ in $(seq 300); do grep -q "listening" "$work/serve.txt" 2>/dev/null && break; sleep 0.1; done
    before=$(postgres_cpu)
    "$bindir/confdash-bench" receiver --rate 1000 --seconds "$receiver_seconds" --connections "$senders" \
        --target "http://127.0.0.1:$serve_port/p/bench/streams/callback" --store "$pg_url/bench_split_$senders?sslmode=disable"
    pg_used=$(awk -v a="$before" -v b="$(postgres_cpu)" 'BEGIN { printf "%.2f s", b - a }')
    kill -TERM "$serve_pid"; wait "$serve_pid" || true; serve_pid=""
    grep -v listening "$work/serve.txt"
    echo "  PostgreSQL server CPU over the run (warm-up included): $pg_used"
    done
    unset CONFDASH_BENCH_SIGNING_KEY CONFDASH_STORE_PASSWORD
fi
