#!/usr/bin/env bash
# Soak: `confdash demo` with churn in a 200x60 tmux pane for a while, driven by a script that
# presses keys and starts and stops streams, while RSS, CPU and errors are sampled into a CSV.
#
#   scripts/soak.sh [--minutes 30] [--config release|debug] [--sample-seconds 10] [--conferences 120]
#                   [--keep DIR] [--skip-build] [--bin PATH] [--emulator-process]
#
# --emulator-process runs the emulator (with churn) as a process of its own, and the dashboard
# against it with its callback receiver on and the emulator's conference events pointed at it,
# so that the RSS and CPU sampled are the dashboard's alone (in `confdash demo` the emulator's
# world, which grows with every call it ever made, shares the process).
#
# --bin runs a copy of a built binary (a soak of hours must not see its binary rebuilt under it);
# CONFDASH_BUILD_PATH chooses the build directory otherwise (.build when unset).
#
# At the end it checks, and exits non-zero when one fails:
#   - the dashboard is still running (no crash), and quits with status 0 when asked;
#   - RSS after warm-up (the first sixth of the run, at least a minute) grew by less than 5%;
#   - every stream the driver saw start is in the ledger (`confdash streams list --json`, same
#     XDG_STATE_HOME), with its URL, and every one it stopped is recorded as stopped;
#   - the terminal is restored (alternate screen off, cursor visible).
# Results (samples.csv, the log, the driver's record, the ledger) stay in --keep DIR, or in a
# temporary directory whose path is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=30 config=release every=10 conferences=120 keep="" build=yes bin="" separate=no
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --config) config=$2; shift 2 ;;
        --sample-seconds) every=$2; shift 2 ;;
        --conferences) conferences=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        --skip-build) build=no; shift ;;
        --bin) bin=$2; build=no; shift 2 ;;
        --emulator-process) separate=yes; shift ;;
        *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
scratch=(--scratch-path "${CONFDASH_BUILD_PATH:-.build}")
[ "$build" = yes ] && swift build "${scratch[@]}" -c "$config" --product confdash >/dev/null
work=${keep:-$(mktemp -d -t confdash-soak.XXXXXX)}
mkdir -p "$work/state"
work=$(cd "$work" && pwd)
if [ -n "$bin" ]; then
    cp "$bin" "$work/confdash"
else
    cp "$(swift build "${scratch[@]}" -c "$config" --show-bin-path)/confdash" "$work/confdash"
fi
bin="$work/confdash"
sock="soak-$$"
sampler=""
emu=""
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
    tmux -L "$sock" kill-server 2>/dev/null || true
    [ -n "$emu" ] && kill "$emu" 2>/dev/null || true
}
trap cleanup EXIT
t() { tmux -L "$sock" "$@"; }
screen() { t capture-pane -p -t 0 2>/dev/null || true; }
# Waits up to $2 seconds (default 10) for text $1 on screen.
wait_for() {
    local deadline=$(( $(date +%s) + ${2:-10} ))
    until screen | grep -qF -- "$1"; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

# The shell stays after the dashboard ends, so that the exit status is printed and tmux still
# reports the terminal's modes (a dead pane's are not reliable).
printf 'set -g status off\nset -g escape-time 0\nset -g default-terminal tmux-256color\n' > "$work/tmux.conf"
if [ "$separate" = yes ]; then
    "$bin" emulator --port 0 --seed 5 --conferences "$conferences" --churn > "$work/emulator.out" 2>&1 &
    emu=$!
    for _ in $(seq 600); do grep -q listening "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
    space=$(sed -n 's/.*SIGNALWIRE_SPACE=//p' "$work/emulator.out")
    [ -n "$space" ] || { echo "soak: the emulator did not start:" >&2; cat "$work/emulator.out" >&2; exit 1; }
    listen=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    curl -fsS -X POST "$space/__admin/conference-events" -d "{\"url\": \"http://127.0.0.1:$listen/conferences/events\"}" >/dev/null
    t -f "$work/tmux.conf" new-session -d -x 200 -y 60 -e LANG=C.UTF-8 -e XDG_STATE_HOME="$work/state" \
        -e SIGNALWIRE_SPACE="$space" -e SIGNALWIRE_PROJECT_ID="$(sed -n 's/.*SIGNALWIRE_PROJECT_ID=//p' "$work/emulator.out")" \
        -e SIGNALWIRE_API_TOKEN="$(sed -n 's/.*SIGNALWIRE_API_TOKEN=//p' "$work/emulator.out")" \
        -e SIGNALWIRE_SIGNING_KEY="$(sed -n 's/.*SIGNALWIRE_SIGNING_KEY=//p' "$work/emulator.out")" \
        -e CONFDASH_CALLBACK_LISTEN="127.0.0.1:$listen" \
        "'$bin'; echo confdash-exit=\$?; sleep 3600"
    port=${space##*:}
else
    t -f "$work/tmux.conf" new-session -d -x 200 -y 60 -e LANG=C.UTF-8 -e XDG_STATE_HOME="$work/state" \
        "'$bin' demo --seed 5 --conferences $conferences; echo confdash-exit=\$?; sleep 3600"
fi
wait_for refreshed 120 || { echo "soak: the dashboard did not show its first refresh" >&2; screen >&2; exit 1; }
shell=$(t display-message -p -t 0 '#{pane_pid}')
pid=$(cut -d' ' -f1 "/proc/$shell/task/$shell/children")
[ "$separate" = yes ] || port=$(screen | sed -n 's/.*emulator on port \([0-9]*\).*/\1/p' | head -1)
log="$work/state/confdash/confdash.log"
echo "soak: $minutes min, confdash $config (pid $pid, emulator on port $port$([ "$separate" = yes ] && echo ", a process of its own")), $conferences conferences with churn; results in $work"

# The sampler: one CSV row every $every seconds from /proc, and the log's error and warning
# counts so far (the log is the only place errors go: never the screen).
hz=$(getconf CLK_TCK)
# RSS split into anonymous memory (the heap: what a leak grows) and file-backed pages (code and
# data of the binary and libraries, paged in as more of the program runs).
echo "seconds,rss_kb,rss_anon_kb,rss_file_kb,cpu_percent,threads,fds,log_errors,log_warnings" > "$work/samples.csv"
(
    start=$(date +%s%N)
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    last=$start
    while [ -d "/proc/$pid" ]; do
        sleep "$every"
        [ -d "/proc/$pid" ] || break
        now=$(date +%s%N)
        read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        anon=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
        file=$(awk '/RssFile/ {print $2}' "/proc/$pid/status")
        threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
        fds=$(ls "/proc/$pid/fd" | wc -l)
        errors=$(grep -c ' error ' "$log" 2>/dev/null || true)
        warnings=$(grep -c ' warning ' "$log" 2>/dev/null || true)
        awk -v e="$(( (now - start) / 1000000000 ))" -v r="$rss" -v an="$anon" -v fi="$file" -v ticks="$(( u1 - u0 + s1 - s0 ))" -v hz="$hz" \
            -v ns="$(( now - last ))" -v th="$threads" -v fd="$fds" -v er="${errors:-0}" -v wa="${warnings:-0}" \
            'BEGIN { printf "%d,%d,%d,%d,%.2f,%d,%d,%d,%d\n", e, r, an, fi, 100 * ticks / hz / (ns / 1e9), th, fd, er, wa }' \
            >> "$work/samples.csv"
        u0=$u1 s0=$s1 last=$now
    done
) &
sampler=$!

# The driver: a round of keys every ~2 s; every 8th round starts a stream on the newest live
# conference, and every other stream it starts it also stops (x, then Tab to Confirm, Enter).
# Streams left running end with their conference when the churn ends it.
: > "$work/started" ; : > "$work/attempted" ; : > "$work/stopped" ; : > "$work/driver-failures"
navigation=("j" "j" "k" "PageDown" "PageUp" "G" "g" "s" "S" "c" "c" "Enter Escape" "? Escape" "L Escape" "/ r o o m Escape" "r")
deadline=$(( $(date +%s) + minutes * 60 ))
round=0 streams=0
fail() { echo "$(date -u +%T) $1" >> "$work/driver-failures"; screen > "$work/failure-$round.txt"; t send-keys -t 0 Escape Escape Escape; sleep 0.5; }
while [ "$(date +%s)" -lt "$deadline" ] && [ -d "/proc/$pid" ]; do
    round=$((round + 1))
    if [ $((round % 8)) -eq 0 ]; then
        streams=$((streams + 1))
        name="soak-$streams"
        t send-keys -t 0 Escape g Enter
        if ! wait_for "Participants (" 5; then fail "$name: the conference did not open"; continue; fi
        conference=$(screen | sed -n 's/.*sid \([0-9a-f-]\{36\}\)  region.*/\1/p' | head -1)
        echo "$conference" >> "$work/attempted"
        # Tab to the streams pane first: `n` on the participants pane starts a stream on the
        # picked participant's call, and the check below asks the emulator for the conference's.
        t send-keys -t 0 Tab n
        if ! wait_for "Start a stream on" 5; then fail "$name: the form did not open"; continue; fi
        t send-keys -t 0 -l "wss://media.example.com/soak/$streams"
        t send-keys -t 0 Tab
        t send-keys -t 0 -l "$name"
        t send-keys -t 0 Enter
        if wait_for "started stream $name" 10; then
            echo "$name $conference wss://media.example.com/soak/$streams" >> "$work/started"
        else
            # Not seen is not proof it did not start: the ledger check covers only what was seen.
            fail "$name: no 'started stream' on screen"
            continue
        fi
        if [ $((streams % 2)) -eq 0 ]; then
            # In progress first (the callback arrives ~1.5 s later); the streams pane lists newest first.
            deadline_ip=$(( $(date +%s) + 10 ))
            until screen | grep -q -- "$name .*in-progress" || [ "$(date +%s)" -ge "$deadline_ip" ]; do sleep 0.1; done
            t send-keys -t 0 g x
            if wait_for "Stop stream $name" 5; then
                t send-keys -t 0 Tab Enter
                if wait_for "stopped stream $name" 10; then echo "$name" >> "$work/stopped"; else fail "$name: no 'stopped stream' on screen"; fi
            else
                fail "$name: no stop confirmation"
            fi
        fi
        t send-keys -t 0 Escape Escape
    else
        # shellcheck disable=SC2086
        t send-keys -t 0 ${navigation[$((RANDOM % ${#navigation[@]}))]}
    fi
    sleep 2
done

alive=yes; [ -d "/proc/$pid" ] || alive=no
# Still refreshing at the end: a poller that stalled leaves a dashboard that answers keys, holds
# its memory flat and shows ever older data (the header's age counts up past 9 s).
t send-keys -t 0 Escape Escape
polling=no
deadline_poll=$(( $(date +%s) + 30 ))
until [ "$(date +%s)" -ge "$deadline_poll" ]; do
    if screen | grep -q 'refreshed [0-9]s ago'; then polling=yes; break; fi
    sleep 0.2
done
[ "$polling" = yes ] || screen > "$work/final-screen.txt"
# The emulator's own account of the streams on every conference the driver tried, while it runs:
# a start the driver did not see on screen must still be in the ledger.
for conference in $(sort -u "$work/attempted"); do
    curl -fsS "http://127.0.0.1:$port/__admin/conferences/$conference/streams" || echo '[]'
    echo
done > "$work/emulator-streams.jsonl"
final_rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""
t send-keys -t 0 Escape Escape q
wait_for confdash-exit= 15 || true
status=$(screen | sed -n 's/^confdash-exit=\([0-9]*\).*/\1/p' | tail -1)
read -r alternate cursor < <(t display-message -p -t 0 '#{alternate_on} #{cursor_flag}')
env XDG_STATE_HOME="$work/state" "$bin" streams list --json > "$work/ledger.json"
cp "$log" "$work/confdash.log" 2>/dev/null || true

python3 - "$work" "$minutes" "$alive" "${status:-none}" "$alternate" "$cursor" "$polling" <<'EOF'
import csv, json, statistics, sys
work, minutes, alive, status, alternate, cursor, polling = sys.argv[1:]
rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(f"{work}/samples.csv"))]
ledger = {s.get("name"): s for s in json.load(open(f"{work}/ledger.json"))}
started = [line.split() for line in open(f"{work}/started") if line.strip()]
stopped = [line.strip() for line in open(f"{work}/stopped") if line.strip()]
failures = [line.rstrip() for line in open(f"{work}/driver-failures") if line.strip()]
problems = []
if alive != "yes": problems.append("the dashboard was not running at the end (crash?)")
elif polling != "yes": problems.append("the dashboard had stopped refreshing by the end (header not 'refreshed Ns ago' under 10 s; final-screen.txt)")
if status != "0": problems.append(f"quitting with q: exit status {status}")
if alternate != "0" or cursor != "1": problems.append(f"terminal not restored: alternate screen={alternate}, cursor visible={cursor}")
warm = max(60, int(minutes) * 60 // 6)
after = [r for r in rows if r["seconds"] >= warm]
if len(after) >= 2:
    # Each level is the median of five minutes of samples (three at least): RSS saws by a MiB or
    # so as the allocator hands free pages back each minute and the next poll takes them again,
    # and a level read from three samples (30 s) moved the verdict by that much either way.
    span = max(3, int(300 / max(1.0, after[1]["seconds"] - after[0]["seconds"])))
    first, last = after[:span], after[-span:]
    base = statistics.median(r["rss_kb"] for r in first)
    end = statistics.median(r["rss_kb"] for r in last)
    growth = 100 * (end - base) / base
    peak = max(r["rss_kb"] for r in rows)
    print(f"RSS: {base/1024:.1f} MiB after warm-up ({warm} s), {end/1024:.1f} MiB at the end: {growth:+.1f}% (peak {peak/1024:.1f} MiB; medians of {len(first)} samples)")
    b3 = statistics.median(r["rss_kb"] for r in after[:3]); e3 = statistics.median(r["rss_kb"] for r in after[-3:])
    print(f"  of three samples each (the measure before session 17): {b3/1024:.1f} -> {e3/1024:.1f} MiB ({100*(e3-b3)/b3:+.1f}%)")
    a0 = statistics.median(r["rss_anon_kb"] for r in first); a1 = statistics.median(r["rss_anon_kb"] for r in last)
    f0 = statistics.median(r["rss_file_kb"] for r in first); f1 = statistics.median(r["rss_file_kb"] for r in last)
    print(f"  of which anonymous {a0/1024:.1f} -> {a1/1024:.1f} MiB ({100*(a1-a0)/a0:+.1f}%), file-backed {f0/1024:.1f} -> {f1/1024:.1f} MiB ({100*(f1-f0)/f0:+.1f}%)")
    if growth >= 5: problems.append(f"RSS grew {growth:.1f}% after warm-up (limit: under 5%)")
else:
    problems.append("too few samples after warm-up to judge RSS")
cpu = [r["cpu_percent"] for r in rows]
if cpu: print(f"CPU: median {statistics.median(cpu):.1f}%, max {max(cpu):.1f}% of one core ({len(rows)} samples)")
if rows:
    print(f"threads {int(rows[-1]['threads'])}, fds {int(rows[-1]['fds'])} at the end; log: {int(rows[-1]['log_errors'])} errors, {int(rows[-1]['log_warnings'])} warnings")
    if rows[-1]['log_errors'] > 0: problems.append(f"{int(rows[-1]['log_errors'])} errors in the log")
emulated = [s for line in open(f"{work}/emulator-streams.jsonl") if line.strip() for s in json.loads(line)]
emulated = [s for s in emulated if str(s.get("name", "")).startswith("soak-")]
unrecorded = [s.get("name") for s in emulated if s.get("name") not in ledger]
print(f"emulator: {len(emulated)} soak streams on the conferences tried; not in the ledger: {len(unrecorded)}")
if unrecorded: problems.append(f"streams the emulator started that the ledger lacks: {unrecorded}")
missing = [n for n, conf, url in started if n not in ledger or ledger[n].get("conference_sid") != conf or ledger[n].get("url") != url]
not_stopped = [n for n in stopped if n in ledger and ledger[n].get("status") != "stopped"]
print(f"streams: {len(started)} started and seen, {len(stopped)} stopped; ledger holds {len(ledger)}; "
      f"missing from the ledger: {len(missing)}; stopped but not recorded stopped: {len(not_stopped)}")
states = {}
for s in ledger.values(): states[s.get("status")] = states.get(s.get("status"), 0) + 1
print("ledger statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
if missing: problems.append(f"streams missing from the ledger: {missing}")
if not_stopped: problems.append(f"streams stopped but not recorded stopped: {not_stopped}")
print(f"driver: {len(failures)} steps that did not show what was expected" + ("" if not failures else ":"))
for f in failures[:10]: print("  " + f)
print(f"quit: exit status {status}, alternate screen {alternate}, cursor visible {cursor}")
# What the dashboard held at its first and last census (logged every ten minutes): when RSS grew,
# the counts that grew with it say where to look.
import re
census = {}
try:
    for line in open(f"{work}/confdash.log"):
        m = re.search(r"(poller|screen) holding (.*)", line)
        if m: census.setdefault(m.group(1), []).append(m.group(2).strip())
except OSError:
    pass
for kind, lines in sorted(census.items()):
    print(f"{kind} holding, first and last of {len(lines)}:")
    print("  " + lines[0])
    if len(lines) > 1: print("  " + lines[-1])
for p in problems: print("FAIL: " + p)
print("soak: " + ("FAILED" if problems else "passed"))
sys.exit(1 if problems else 0)
EOF
