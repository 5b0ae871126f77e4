#!/usr/bin/env bash
# Regenerates screenshots/ from the real dashboard: `confdash demo` with a fixed seed and no churn,
# so the pictures are reproducible and hold no account data. Look at each PNG before committing it.
#
#   scripts/screenshots.sh            # builds confdash, writes screenshots/*.png
#
# CJK and emoji names need Debian's fonts-noto-cjk and fonts-symbola to render (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! fc-list | grep -q NotoSansCJK || ! fc-list | grep -qi symbola; then
    apt-get install -y -qq fonts-noto-cjk fonts-symbola >/dev/null
fi
swift build --product confdash >/dev/null
mkdir -p screenshots
state=$(mktemp -d)
demo=(env XDG_STATE_HOME="$state" NO_COLOR= .build/debug/confdash demo --seed 11 --conferences 40 --no-churn --refresh 5)

scripts/screenshot.sh --size 120x32 --wait '● live' screenshots/conferences.png -- "${demo[@]}"
scripts/screenshot.sh --size 120x32 --wait '● live' --keys 'j j Enter' --wait 'CALL SID' screenshots/conference-detail.png -- "${demo[@]}"
scripts/screenshot.sh --size 120x44 --wait '● live' --keys '?' --wait 'Keys (' screenshots/help.png -- "${demo[@]}"
rm -rf "$state"
echo "wrote screenshots/conferences.png, screenshots/conference-detail.png, screenshots/help.png"
