#!/usr/bin/env bash
# Simulation throughput: N runs of the built-in Muscat scenario with 1 and 2 threads, then
# scaling with the number of issues on synthetic scenarios of K issues × 5 options
# (bench/sim_scenario.py: two parties, a mediator, three stakeholders, a threat, ratification
# and a spoiler), M runs each on 2 threads, R repetitions each (min and median reported).
# Usage: bench/sim.sh [N=10000] [M=10000] [R=3] [K…=5 10 20 30 40]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000}; shift || true
small=${1:-10000}; shift || true
reps=${1:-3}; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(5 10 20 30 40)
cargo build --release -q -p detente
bin=$PWD/target/release/detente
times() { # min and median wall seconds of R runs of "$@", output discarded
  local all=()
  for _ in $(seq "$reps"); do
    local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
    all+=("$(python3 -c "print($t1-$t0)")")
  done
  python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f'{min(v):.3f}\t{statistics.median(v):.3f}')" "${all[@]}"
}
echo "scenario	issues	runs	threads	min s	median s	runs/s (median)"
for t in 1 2; do
  read -r mn md < <(times "$bin" simulate --runs "$runs" --threads "$t" --seed 1 --json)
  python3 -c "print(f'muscat\t8\t$runs\t$t\t$mn\t$md\t{$runs/$md:,.0f}')"
done
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
for k in "${sizes[@]}"; do
  python3 bench/sim_scenario.py "$k" 5 > "$dir/k$k.toml"
  read -r mn md < <(times "$bin" simulate "$dir/k$k.toml" --runs "$small" --threads 2 --seed 1 --json)
  python3 -c "print(f'synthetic\t$k\t$small\t2\t$mn\t$md\t{$small/$md:,.0f}')"
done
