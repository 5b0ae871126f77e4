#!/usr/bin/env bash
# Measures the dashboard against a separate emulator with N live conferences, in tmux:
#   start to first frame, key press to frame on screen, idle CPU over a window, bytes written
#   to the terminal by refreshes that changed nothing, and memory.
#
#   scripts/bench-dashboard.sh [--conferences 500] [--idle-seconds 60] [--config debug|release]
#                              [--key-presses 40] [--skip-build] [--events] [--bin PATH]
#
# --events: the dashboard runs its callback receiver and the emulator sends it every conference's
# events, as an application that points its conferences' status callbacks at confdash would; the
# sweeps then slow to a safety net (README, "How fresh each figure is").
#
# Prints one line per figure. Nothing here is asserted: these machines are shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
conferences=500 idle=60 config=debug presses=40 build=yes events=no given_bin=""
while [ $# -gt 0 ]; do
    case $1 in
        --conferences) conferences=$2; shift 2 ;;
        --idle-seconds) idle=$2; shift 2 ;;
        --config) config=$2; shift 2 ;;
        --key-presses) presses=$2; shift 2 ;;
        --skip-build) build=no; shift ;;
        --events) events=yes; shift ;;
        --bin) given_bin=$2; build=no; shift 2 ;;
        *) echo "bench-dashboard.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
# CONFDASH_BUILD_PATH: the build directory bench.sh uses (.build when unset).
scratch=(--scratch-path "${CONFDASH_BUILD_PATH:-.build}")
[ "$build" = yes ] && swift build "${scratch[@]}" -c "$config" --product confdash >/dev/null
# --bin: a binary built elsewhere (an older commit's, to compare with, side by side).
bin=${given_bin:-$(swift build "${scratch[@]}" -c "$config" --show-bin-path)/confdash}
work=$(mktemp -d)
sock="bench-$$"
emu=""
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; [ -n "$emu" ] && kill "$emu" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# Waits up to $2 seconds for text $1 in the pane, checking as often as tmux allows.
wait_for() {
    local deadline=$(( $(date +%s) + $2 ))
    until tmux -L "$sock" capture-pane -p | grep -qF -- "$1"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "bench-dashboard.sh: no \"$1\" on screen after $2 s" >&2
            tmux -L "$sock" capture-pane -p >&2 || true
            exit 1
        fi
    done
}

# The emulator in its own process, so its CPU is not counted as the dashboard's; no churn: a
# refresh that changes nothing must write nothing.
# Port 0: the emulator binds a free port and says which (a fixed or random one can be taken).
"$bin" emulator --port 0 --conferences 0 > "$work/emulator.out" 2>&1 &
emu=$!
for _ in $(seq 100); do grep -q listening "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
space=$(sed -n 's/.*SIGNALWIRE_SPACE=//p' "$work/emulator.out")
[ -n "$space" ] || { echo "bench-dashboard.sh: the emulator did not start:" >&2; cat "$work/emulator.out" >&2; exit 1; }
curl -fsS -X POST "$space/__admin/seed" -d "{\"conferences\": $conferences}" >/dev/null
project=$(sed -n 's/.*SIGNALWIRE_PROJECT_ID=//p' "$work/emulator.out")
token=$(sed -n 's/.*SIGNALWIRE_API_TOKEN=//p' "$work/emulator.out")

receiver=()
if [ "$events" = yes ]; then
    key=$(sed -n 's/.*SIGNALWIRE_SIGNING_KEY=//p' "$work/emulator.out")
    listen=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    receiver=(-e SIGNALWIRE_SIGNING_KEY="$key" -e CONFDASH_CALLBACK_LISTEN="127.0.0.1:$listen")
    curl -fsS -X POST "$space/__admin/conference-events" -d "{\"url\": \"http://127.0.0.1:$listen/conferences/events\"}" >/dev/null
fi

printf 'set -g status off\nset -g escape-time 0\nset -g default-terminal tmux-256color\n' > "$work/tmux.conf"
start=$(date +%s%N)
# exec: the pane's process is the dashboard itself, so /proc/<pane_pid> is what is measured.
tmux -L "$sock" -f "$work/tmux.conf" new-session -d -x 200 -y 60 \
    -e LANG=C.UTF-8 -e XDG_STATE_HOME="$work/state" -e SIGNALWIRE_SPACE="$space" \
    -e SIGNALWIRE_PROJECT_ID="$project" -e SIGNALWIRE_API_TOKEN="$token" "${receiver[@]}" "exec '$bin'"
# The key-latency control client must not resize the 200x60 window. (Set once the server runs:
# tmux 3.3a exits at start with window-size in its config file.)
tmux -L "$sock" set -g window-size manual
wait_for confdash 30
first=$(date +%s%N)
wait_for "$conferences live conferences" 120
loaded=$(date +%s%N)
pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
echo "machine: $(nproc) cores, $(uname -m), build: $config, $conferences live conferences, conference events: $events${given_bin:+, binary: $given_bin}"
echo "start to first frame (tmux launch to header on screen): $(( (first - start) / 1000000 )) ms"
echo "start to all $conferences conferences on screen: $(( (loaded - start) / 1000000 )) ms"
# A large account's rows show before their participants are read: the idle figures wait for the
# first refresh to be whole (the header's "refreshed", not "reading participants").
wait_for "refreshed" 300
complete=$(date +%s%N)
echo "start to the first refresh complete (every participant read): $(( (complete - start) / 1000000 )) ms"
sleep 3   # let the highlight of the first refresh's changes end

# Key press to screen, two ways: polled with capture-pane (includes starting a tmux client per
# look, several ms), and timed by a tmux control-mode client on the pane's output.
total=0
for i in $(seq "$presses"); do
    key=j; [ $((i % 2)) -eq 0 ] && key=k
    before=$(tmux -L "$sock" capture-pane -p -e | md5sum)
    t0=$(date +%s%N)
    tmux -L "$sock" send-keys "$key"
    while [ "$(tmux -L "$sock" capture-pane -p -e | md5sum)" = "$before" ]; do :; done
    t1=$(date +%s%N)
    total=$((total + t1 - t0))
done
echo "key press to screen via tmux capture-pane, mean of $presses: $(( total / presses / 1000 )) us"
echo "key press to screen via tmux control mode (first output): $(python3 scripts/key-latency.py "$sock" "$presses")"

# Idle: CPU ticks of the dashboard process over the window, and bytes it wrote to the terminal.
tmux -L "$sock" pipe-pane -o "cat > $work/bytes"
curl -fsS -X DELETE "$space/__admin/requests" >/dev/null
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
sleep "$idle"
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
tmux -L "$sock" pipe-pane
# What the idle polls asked the service, by kind (the emulator keeps the last 1,000 requests).
curl -fsS "$space/__admin/requests" > "$work/requests.json"
python3 - "$work/requests.json" "$idle" <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
polls = max(1, int(sys.argv[2]) // 2)
kinds = {}
for e in entries:
    path = e["path"]
    if re.search(r"/Conferences/[^/]+/Participants", path): kind = "participants of a conference"
    elif re.search(r"/Conferences/[^/]+/Recordings", path): kind = "recordings of a conference"
    elif re.search(r"/Conferences(\.json)?$", path): kind = "conference list pages"
    elif re.search(r"/Conferences/[^/]+(\.json)?$", path): kind = "one conference"
    elif re.search(r"/Calls(\.json)?$", path): kind = "calls in progress, list pages"
    elif re.search(r"/Calls/[^/]+(\.json)?$", path): kind = "one call"
    else: kind = "other"
    kinds[kind] = kinds.get(kind, 0) + 1
note = " (the log holds the last 1,000: fewer polls counted)" if len(entries) >= 1000 else ""
print(f"requests over {polls} idle polls: {len(entries)}, {len(entries) / polls:.1f} a poll{note}")
for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
    print(f"  {kind}: {n} ({n / polls:.2f} a poll)")
PY
hz=$(getconf CLK_TCK)
awk -v t=$(( (u1 - u0) + (s1 - s0) )) -v hz="$hz" -v s="$idle" \
    'BEGIN { printf "idle CPU over %d s (polling every 2 s): %.2f%% of one core\n", s, 100 * t / hz / s }'
echo "bytes written to the terminal by $(( idle / 2 )) refreshes that changed nothing: $(wc -c < "$work/bytes")"
echo "memory: RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
# Where the resident pages are: the heap and stacks (anonymous) against pages of the binary and its
# libraries (file-backed, shared with any other process mapping them), then the largest files.
echo "memory by kind: anonymous $(awk '/RssAnon/ {print $2, $3}' /proc/$pid/status), file-backed $(awk '/RssFile/ {print $2, $3}' /proc/$pid/status)"
awk '/^[0-9a-f]+-[0-9a-f]+ / { file = ($6 ~ /^\//) ? $6 : "" } /^Rss:/ && file != "" { rss[file] += $2 }
     END { for (f in rss) if (rss[f] >= 1024) printf "  %s: %d kB\n", f, rss[f] }' /proc/$pid/smaps | sort -t: -k2 -rn
# The keys that work on every row, after the idle and memory figures (their passes over every
# row leave the heap larger for a while, which the memory line would otherwise count): `s`
# sorts the whole table by the next column, and each key typed into `/` filters every
# conference (and, for digits, every participant's call) again.
echo "sort (s), key press to screen: $(python3 scripts/key-latency.py "$sock" $((presses * 2)) s)"
echo "filter by text (/ r o o m, then back), key press to screen: $(python3 scripts/key-latency.py "$sock" $((presses * 2)) / r o o m BSpace BSpace BSpace BSpace Escape)"
echo "filter by number (/ + 1 5 5 5, then back), key press to screen: $(python3 scripts/key-latency.py "$sock" $((presses * 2)) / + 1 5 5 5 BSpace BSpace BSpace BSpace BSpace Escape)"
echo "memory after those keys: RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status), anonymous $(awk '/RssAnon/ {print $2, $3}' /proc/$pid/status)"
tmux -L "$sock" send-keys q
for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
grep 'session stats' "$work/state/confdash/confdash.log" | tail -1 | sed 's/.*session stats/in-app:/'
# The presses over 16 ms, as the dashboard timed them: which key, and whether the time went to
# the update (filtering, sorting), the frame, or waiting before it (a refresh being applied).
slow=$(grep -c 'slow key' "$work/state/confdash/confdash.log" || true)
echo "keys over 16 ms in the dashboard: $slow"
# With no slow key grep finds nothing, which pipefail would make the script's failure.
grep 'slow key' "$work/state/confdash/confdash.log" | sed 's/.*slow key/ /' | head -40 || true
# Refreshes and results that held the loop longer than a frame (a key pressed then waited for
# them): by kind, how many and the slowest.
echo "messages other than keys over 16 ms in the dashboard: $(grep -c 'slow message' "$work/state/confdash/confdash.log" || true)"
grep 'slow message' "$work/state/confdash/confdash.log" | sed -n 's/.*message=\([A-Za-z]*\) total_ms=\([0-9.]*\).*/\1 \2/p' \
    | awk '{n[$1]++; if ($2 > m[$1]) m[$1] = $2} END {for (k in n) printf "  %s: %d, slowest %.1f ms\n", k, n[k], m[k]}' || true
