#!/usr/bin/env bash
# Load test of `detente serve` on 127.0.0.1 only: ROOMS concurrent shuttle rooms whose three
# seats (two parties, the mediator) are scripted clients exchanging offers over the JSON API
# (crates/detente-server/examples/load.rs). R steady runs (min and median of p50/p99 latency
# and throughput), then one run in which the server is killed with SIGKILL once half the
# messages are acknowledged and restarted on the same SQLite file: every acknowledged message
# must be there afterwards ("lost: 0"; the run panics otherwise).
# Usage: bench/serve-load.sh [ROOMS=200] [EXCHANGES=5] [R=3]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
rooms=${1:-200}; exchanges=${2:-5}; reps=${3:-3}
cargo build -q --release -p detente --bin detente
cargo build -q --release -p detente-server --example load
load="$ROOT/target/release/examples/load"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== $rooms rooms × $exchanges exchanges (4 messages each), $reps steady runs"
for i in $(seq 1 "$reps"); do
  "$load" --detente target/release/detente --rooms "$rooms" --exchanges "$exchanges" \
    --db "$out/steady-$i.db" --json | tee -a "$out/steady.jsonl"
done
python3 - "$out/steady.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def show(name, xs, unit):
    print(f"{name:>18}: min {min(xs):8.1f} {unit}   median {statistics.median(xs):8.1f} {unit}")
show("latency p50", [r["latency_ms"]["p50"] for r in rows], "ms")
show("latency p99", [r["latency_ms"]["p99"] for r in rows], "ms")
show("throughput", [r["throughput_per_s"] for r in rows], "msg/s")
print(f"{'throttled (429)':>18}: {[r['throttled'] for r in rows]}")
PY
echo "== the same load, killed with SIGKILL at 50 % and restarted"
"$load" --detente target/release/detente --rooms "$rooms" --exchanges "$exchanges" \
  --db "$out/crash.db" --kill-at 0.5
