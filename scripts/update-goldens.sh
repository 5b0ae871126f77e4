#!/usr/bin/env bash
# Rewrites the whole-screen goldens (Tests/TerminalUITests/Goldens) from the real views, for
# review with `git diff`: a change there is a change an operator sees.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFDASH_UPDATE_GOLDENS=1 swift test --filter ScreenGoldenTests "$@"
git status --short Tests/TerminalUITests/Goldens
