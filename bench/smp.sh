#!/usr/bin/env bash
# KTAB's SMP: detente vs KTAB's smpc, same inputs, one run.
# Usage: bench/smp.sh [repetitions] [generated sizes…]
#   KTAB_GIT  git dir of lsyaseen/KTAB (the search tool's `fetch github:lsyaseen/KTAB`);
#             smpc is built from it with ../shared/tools/ktab-build.sh (root, a few minutes).
#   SMPC_SLOW=1 also runs smpc on dummyData-a080 (≈150 s); SMPC_SLOW=2 on a160 too (≈30 min).
# detente's time is the whole `detente forecast FILE --model smp --json` process (import,
# model, JSON), like smpc's (which also writes its log and SQLite database); the in-process
# model time and the generated-scenario scaling come from the smp_bench example.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100 250 500)
data=$(cd ../shared/data/ktab && pwd)
ktab_git=${KTAB_GIT:-/work/.mirror/lsyaseen+KTAB/repo}
cargo build --release -q -p detente
cargo build --release -q -p detente-forecast --example smp_bench
det=$PWD/target/release/detente
echo "## in-process model time (best of $reps)"
./target/release/examples/smp_bench "$data" "$reps" "${sizes[@]}"
smpc=""
if [ -d "$ktab_git" ]; then smpc=$(bash ../shared/tools/ktab-build.sh "$ktab_git" | tail -1); fi
wall() { # seconds of wall time of "$@", output discarded
  local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
  python3 -c "print(f'{$t1-$t0:.4f}')"
}
echo "## end to end, same run: file, turns (detente / smpc), detente s, smpc s, ratio"
for f in dummyData_3Dim.csv SOE-Pol-Comp.csv SOE-Policy.csv dummyData_6Dim.csv SOE-Competitive.csv \
         dummyData-a040.csv dummyData-a080.csv dummyData-a160.csv; do
  best=""
  for _ in $(seq "$reps"); do
    t=$(wall "$det" forecast "$data/$f" --model smp --json)
    best=$(python3 -c "print(min(x for x in [$t, ${best:-1e9}]))")
  done
  turns=$("$det" forecast "$data/$f" --model smp --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['issues'][0]['models']['smp']['rounds']))")
  s="-"; st="-"
  slow=0; case $f in dummyData-a080.csv) slow=1;; dummyData-a160.csv) slow=2;; esac
  if [ -n "$smpc" ] && [ "${SMPC_SLOW:-0}" -ge "$slow" ]; then
    run=$(mktemp -d); cp "$(dirname "$smpc")/smpc-logger.conf" "$run/"; cp "$data/$f" "$run/"
    s=$(cd "$run" && wall "$smpc" --logmin --csv "$f" --connstr "Driver=QSQLITE;Database=run")
    st=$(grep -ho "There were [0-9]* states" "$run"/smpc-*_log.txt | awk '{print $3-1}')
    rm -rf "$run"
  fi
  if [ "$s" = "-" ]; then
    s=$(python3 -c "import json; d=json.load(open('$data/expected.json'))['scenarios'].get('$f'); print(d['timing']['median_wall_s'] if d else '-')")
    [ "$s" = "-" ] || s="$s(expected.json)"
  fi
  ratio=$(python3 -c "
s='$s'.split('(')[0]
print('-' if s=='-' else f'{float(s)/$best:,.0f}x')")
  echo -e "$f\t$turns / $st\t$best\t$s\t$ratio"
done
