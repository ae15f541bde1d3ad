#!/usr/bin/env bash
# Renders a detente HTML report in headless Chromium (Debian's package) and saves a PNG of the
# whole page, to check that it renders as a reader sees it.
# Usage: tools/screenshot.sh [report.html] [out.png] (paths relative to the current folder)
# Without arguments it writes a report of the built-in scenario to a temporary folder first.
# The window is 1280 px wide and as tall as the page (measured first; at most 30,000 px).
# Exits non-zero when the report is missing or no PNG was written.
set -euo pipefail
here=$(pwd)
abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$here/$1" ;; esac; }
html=${1:-}
out=${2:-}
[ -n "$html" ] && html=$(abs "$html")
[ -n "$out" ] && out=$(abs "$out")
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp/profile" "$tmp/measure.html"' EXIT
out=${out:-$tmp/report.png}
if [ -z "$html" ]; then
  html=$tmp/report.html
  cargo run --release -q -p detente -- report -o "$html" --runs 300 --sensitivity-runs 20
fi
if [ ! -f "$html" ]; then
  echo "screenshot.sh: no report at $html" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
rm -f "$out"
browse() {
  timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --hide-scrollbars "$@"
}
# Measure the page's height at 1280 px: a copy of the report that writes it into its DOM.
sed 's|</body>|<script>document.body.insertAdjacentHTML("beforeend","<pre>PAGE_HEIGHT:"+document.documentElement.scrollHeight+":END</pre>")</script></body>|' \
  "$html" >"$tmp/measure.html"
height=$(browse --window-size=1280,1000 --virtual-time-budget=5000 --dump-dom \
  "file://$tmp/measure.html" 2>/dev/null | sed -n 's/.*PAGE_HEIGHT:\([0-9]*\):END.*/\1/p' | head -1)
height=${height:-6000}
[ "$height" -lt 1000 ] && height=1000
[ "$height" -gt 30000 ] && height=30000
browse --window-size="1280,$height" --screenshot="$out" "file://$html" 2>"$tmp/chromium.log" || true
if [ ! -s "$out" ]; then
  echo "screenshot.sh: chromium wrote no PNG at $out; its messages:" >&2
  tail -n 20 "$tmp/chromium.log" >&2
  exit 1
fi
echo "$out (1280 x $height px)"
