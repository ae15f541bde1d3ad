#!/usr/bin/env bash
# Renders a detente HTML report in headless Chromium (Debian's package) and saves a PNG, to check
# that the page renders as a reader sees it. Usage: tools/screenshot.sh [report.html] [out.png]
# Without arguments it writes a report of the built-in scenario to a temporary folder first.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
tmp=$(mktemp -d)
html=${1:-}
out=${2:-$tmp/report.png}
if [ -z "$html" ]; then
  html=$tmp/report.html
  cargo run --release -q -p detente -- report -o "$html" --runs 300 --sensitivity-runs 20
fi
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,6000 \
  --screenshot="$out" "file://$(realpath "$html")" 2>/dev/null
echo "$out"
