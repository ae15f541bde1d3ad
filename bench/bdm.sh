#!/usr/bin/env bash
# BDM and the static forecasting models: detente vs the public Python replication, same inputs, one run.
# Usage: bench/bdm.sh [repetitions]   (needs ../shared beside the repo; fetches nothing itself:
# point PEER_GIT at a local clone or bare git dir of dmasad/bdm-scholz-expected-utility-model)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
data=../shared/data/bdm
peer_git=${PEER_GIT:-/work/.mirror/dmasad+bdm-scholz-expected-utility-model/repo/.git}
cargo build --release -q -p detente-forecast --example bdm_bench
out=$(mktemp -d)
./target/release/examples/bdm_bench "$data" "$reps" > "$out/detente.tsv"
cat "$out/detente.tsv"
if [ -d "$peer_git" ]; then
  git --git-dir="$peer_git" show HEAD:bdm_scholz_model.py > "$out/bdm_scholz_model.py"
  for f in eu_emissions_1994.csv oman_sultan.csv; do
    t=$(python3 bench/bdm_peer.py "$out" "$data/$f" 10)
    d=$(awk -F'\t' -v n="bdm:$f" '$1==n {print $4}' "$out/detente.tsv")
    python3 -c "import sys; p,d=float('$t'),float('$d'); print(f'$f: replication {p:.3f} s, detente {d*1e3:.3f} ms, ratio {p/d:,.0f}x')"
  done
else
  echo "peer repository not found at $peer_git: comparing against the timings in $data/expected.json instead"
fi
