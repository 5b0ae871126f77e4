#!/usr/bin/env bash
# Regenerates screenshots/ from the real dashboard: `confdash demo` with a fixed seed and no churn,
# so the pictures are reproducible and hold no account data. One session, driven by keys as an
# operator would: streams started from the form (one refused by its URL, one that fails to
# connect), one stopped through the confirmation, then a service outage. Look at each PNG before
# committing it.
#
#   scripts/screenshots.sh            # builds confdash, writes screenshots/*.png
#
# CJK and emoji names need Debian's fonts-noto-cjk and fonts-symbola to render (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! fc-list | grep -q NotoSansCJK || ! fc-list | grep -qi symbola; then
    apt-get update -qq && apt-get install -y -qq fonts-noto-cjk fonts-symbola >/dev/null
fi
swift build --product confdash >/dev/null
mkdir -p screenshots
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
demo=(env XDG_STATE_HOME="$state" NO_COLOR= .build/debug/confdash demo --seed 11 --conferences 40 --no-churn --refresh 2)

# Steps that start a stream from the form: URL, Tab, name, Enter, then wait for the status line.
starts=()
start() {
    starts+=(--keys n --wait 'Start a stream on' --type "$1" --keys Tab --type "$2" --keys Enter --wait "started stream $2")
}
start wss://media.example.com/recorder recorder
start wss://refused.invalid/in broken
start wss://media.example.com/transcribe transcriber

scripts/screenshot.sh --size 120x40 --wait '● live' \
    --keys / --type 'Support Bridge' --keys 'Enter Enter' --wait 'CALL SID' \
    --keys Tab --wait 'new stream' \
    "${starts[@]}" \
    --wait 'error (connection_ref' \
    --keys 'g x' --wait 'Stop stream transcriber' --shot screenshots/stop-confirmation.png \
    --keys 'Tab Enter' --wait 'stopped stream transcriber' \
    --keys n --wait 'Start a stream on' --type ws://media.example.com/late --keys Enter --wait 'Url must use wss://' \
    --shot screenshots/start-stream-form.png \
    --keys C-u --type wss://media.example.com/late --keys Tab --type late --keys Enter --wait 'started stream late' \
    --shot screenshots/conference-detail.png \
    --shell 'port=$(grep -o "emulator on port [0-9]*" <<<"$SCREEN" | grep -o "[0-9]*$"); sid=$(grep -o "^sid [0-9a-f-]*" <<<"$SCREEN" | head -1 | cut -d" " -f2); curl -fsS -X POST -H "Content-Type: application/json" -d "{}" "http://127.0.0.1:$port/__admin/conferences/$sid/recordings" >/dev/null' \
    --keys r --wait 'Recordings (1 active' \
    --keys 'Tab P' --wait 'Pause recording' --shot screenshots/recording-pause.png --keys 'Escape Tab' \
    --keys n --wait 'Start a stream on call' --shot screenshots/call-stream-form.png --keys Escape \
    --keys 'Escape / C-u Enter' --wait 'Release train' --wait '? help' --shot screenshots/conferences.png \
    --keys : --type columns --keys Enter --wait 'Columns: conferences' \
    --keys 'j j Space j j j j j Space' --wait '[x] sid' --shot screenshots/columns.png \
    --keys Enter --wait 'conferences columns:' \
    --keys : --type 'view save by-sid' --keys Enter --wait 'view by-sid saved' \
    --keys L --wait 'Event log' --wait 'request: POST' --shot screenshots/event-log.png --keys Escape \
    --keys : --type 'columns reset' --keys Enter --wait 'conferences columns:' \
    --keys '?' --wait 'Keys (' --shot screenshots/help.png \
    --keys Escape \
    --shell 'port=$(grep -o "emulator on port [0-9]*" <<<"$SCREEN" | grep -o "[0-9]*$"); curl -fsS -X POST -H "Content-Type: application/json" -d "{\"status\": 503}" "http://127.0.0.1:$port/__admin/faults" >/dev/null' \
    --wait 'STALE' --shot screenshots/stale-header.png \
    -- "${demo[@]}"

# Every space at once: two emulators as two profiles (lab read-only), lab then failing.
emulators=()
trap 'kill "${emulators[@]}" 2>/dev/null; rm -rf "$state"' EXIT
.build/debug/confdash emulator --port 0 --seed 21 --conferences 9 >"$state/prod.log" 2>&1 &
emulators+=($!)
.build/debug/confdash emulator --port 0 --seed 22 --conferences 6 >"$state/lab.log" 2>&1 &
emulators+=($!)
for name in prod lab; do
    for _ in $(seq 200); do grep -q 'SIGNALWIRE_API_TOKEN' "$state/$name.log" && break; sleep 0.05; done
done
port() { grep -o 'SIGNALWIRE_SPACE=http://127.0.0.1:[0-9]*' "$state/$1.log" | grep -o '[0-9]*$'; }
project=$(grep -o 'SIGNALWIRE_PROJECT_ID=[^ ]*' "$state/prod.log" | cut -d= -f2)
token=$(grep -o 'SIGNALWIRE_API_TOKEN=[^ ]*' "$state/prod.log" | cut -d= -f2)
mkdir -p "$state/config/confdash"
cat >"$state/config/confdash/config.toml" <<TOML
[profiles.prod]
space = "http://127.0.0.1:$(port prod)"
project_id = "$project"
token_env = "DEMO_TOKEN"

[profiles.lab]
space = "http://127.0.0.1:$(port lab)"
project_id = "$project"
token_env = "DEMO_TOKEN"
read_only = true
TOML
chmod 600 "$state/config/confdash/config.toml"
scripts/screenshot.sh --size 120x30 --wait '● live' --wait 'lab ' \
    --shell "curl -fsS -X POST -H 'Content-Type: application/json' -d '{\"status\": 503}' http://127.0.0.1:$(port lab)/__admin/faults >/dev/null" \
    --wait 'space lab:' --shot screenshots/every-space.png \
    -- env XDG_STATE_HOME="$state" XDG_CONFIG_HOME="$state/config" DEMO_TOKEN="$token" NO_COLOR= \
    .build/debug/confdash --all-profiles --refresh 2

echo "wrote screenshots/: conferences, conference-detail, recording-pause, call-stream-form, start-stream-form, stop-confirmation, columns, event-log, help, stale-header, every-space"
