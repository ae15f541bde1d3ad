#!/usr/bin/env bash
# Simulation throughput: N runs of the built-in Muscat scenario (its default, the mediated
# shuttle protocol) with 1 and 2 threads, then scaling with scenario size on synthetic
# scenarios of K issues × 4 options (bench/sim_scenario.py), M runs each on 2 threads.
# Usage: bench/sim.sh [N=10000] [M=1000] [K…=4 6 8 9]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000}; shift || true
small=${1:-1000}; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(4 6 8 9)
cargo build --release -q -p detente
bin=$PWD/target/release/detente
secs() { # wall seconds of "$@", output discarded
  local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
  python3 -c "print(f'{$t1-$t0:.3f}')"
}
echo "scenario	outcomes	runs	threads	seconds	runs/s"
for t in 1 2; do
  s=$(secs "$bin" simulate --runs "$runs" --threads "$t" --seed 1 --json)
  python3 -c "print(f'muscat\t33792\t$runs\t$t\t$s\t{$runs/$s:,.0f}')"
done
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
for k in "${sizes[@]}"; do
  python3 bench/sim_scenario.py "$k" > "$dir/k$k.toml"
  s=$(secs "$bin" simulate "$dir/k$k.toml" --runs "$small" --threads 2 --seed 1 --json)
  python3 -c "print(f'synthetic-{$k}\t{4**$k}\t$small\t2\t$s\t{$small/$s:,.0f}')"
done
