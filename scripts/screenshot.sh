#!/usr/bin/env bash
# A PNG of a terminal program's screen: runs it in a private tmux server at a fixed size, steps it with
# --wait/--keys/--type/--shot/--shell (in the order given), captures the pane with colours and renders it
# with scripts/ansi2png.py.
#
#   scripts/screenshot.sh [--size 100x30] [--wait TEXT] [--keys "j j ?"] [--shot MID.png]... [OUT.png] -- COMMAND [ARG...]
#
#   scripts/screenshot.sh --wait 'Conferences (1/60)' --keys 'j j' --wait '(3/60)' /tmp/sample.png -- .build/debug/tui-sample
#
# --wait polls capture-pane until TEXT shows (10 s deadline; on timeout prints the screen and fails): no fixed sleeps.
# --keys sends tmux key names separated by spaces (j, Down, PageDown, Escape, Enter, C-c, ...).
# --type sends TEXT literally. --shot FILE.png renders the screen as it is at that step.
# --shell CMD runs CMD with the current screen's text in $SCREEN (e.g. to set an emulator fault).
# Needs tmux, python3 with pyte and pillow (installed with pip when missing) and fonts-dejavu-core.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
size=100x30
steps=()
out=
while [ $# -gt 0 ]; do
    case $1 in
        --size) size=$2; shift 2 ;;
        --wait) steps+=("wait" "$2"); shift 2 ;;
        --keys) steps+=("keys" "$2"); shift 2 ;;
        --type) steps+=("type" "$2"); shift 2 ;;
        --shot) steps+=("shot" "$2"); shift 2 ;;
        --shell) steps+=("shell" "$2"); shift 2 ;;
        --) shift; break ;;
        -*) echo "screenshot.sh: unknown option $1" >&2; exit 2 ;;
        *) out=$1; shift ;;
    esac
done
if { [ -z "$out" ] && [[ " ${steps[*]} " != *" shot "* ]]; } || [ $# -eq 0 ]; then
    sed -n '2,14p' "$0" >&2
    exit 2
fi
cols=${size%x*} rows=${size#*x}

if ! python3 -c 'import pyte, PIL, fontTools' 2>/dev/null; then
    python3 -m pip install --quiet pyte pillow fonttools >&2
fi

# A private server with its own config: status off (pane = window size), escape-time 0 (Esc at once).
sock="screenshot-$$-$RANDOM"
work=$(mktemp -d)
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/tmux.conf" <<'CONF'
set -g status off
set -g remain-on-exit on
set -g default-terminal tmux-256color
set -g escape-time 0
CONF
command=$(printf '%q ' "$@")
tmux -L "$sock" -f "$work/tmux.conf" new-session -d -x "$cols" -y "$rows" -e LANG="${LANG:-C.UTF-8}" "$command" \
    </dev/null >/dev/null 2>&1

wait_for() {
    local deadline=$(( $(date +%s) + 10 )) screen
    while :; do
        screen=$(tmux -L "$sock" capture-pane -p -t 0)
        case $screen in *"$1"*) return 0 ;; esac
        if [ "$(date +%s)" -ge "$deadline" ]; then
            printf 'screenshot.sh: timed out waiting for "%s"; last screen:\n%s\n' "$1" "$screen" >&2
            exit 1
        fi
        sleep 0.02
    done
}

shot() {
    tmux -L "$sock" capture-pane -p -e -N -t 0 > "$work/screen.ans"
    python3 "$here/ansi2png.py" "$work/screen.ans" "$1" --cols "$cols" --rows "$rows"
    echo "$1"
}

i=0
while [ $i -lt ${#steps[@]} ]; do
    kind=${steps[$i]} value=${steps[$((i + 1))]}
    case $kind in
        wait) wait_for "$value" ;;
        keys) read -r -a keys <<< "$value"; tmux -L "$sock" send-keys -t 0 "${keys[@]}" ;;
        type) tmux -L "$sock" send-keys -t 0 -l "$value" ;;
        shot) shot "$value" ;;
        shell) SCREEN=$(tmux -L "$sock" capture-pane -p -t 0) bash -c "$value" ;;
    esac
    i=$(( i + 2 ))
done

if [ -n "$out" ]; then shot "$out"; fi
