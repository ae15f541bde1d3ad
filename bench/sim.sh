#!/usr/bin/env bash
# Simulation throughput: N runs of the built-in Muscat scenario (shuttle protocol) with 1 and 2
# threads, and on a larger generated scenario. Usage: bench/sim.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000}
cargo build --release -q -p detente
bin=./target/release/detente
for t in 1 2; do
  s=$(date +%s.%N)
  $bin simulate --runs "$runs" --threads "$t" --seed 1 --json > /dev/null
  e=$(date +%s.%N)
  python3 -c "d=$e-$s; print(f'muscat, $runs runs, $t thread(s): {d:.2f} s, {$runs/d:,.0f} runs/s')"
done
