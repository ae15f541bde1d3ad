#!/usr/bin/env bash
# Negotiation engine benchmark: NegMAS 0.16.0 vs detente on the same tasks, in one run.
#   bench/negotiate.sh [REPS]          (default 5; results in bench/out/negotiate/)
# Creates a Python venv (bench/out/negotiate/venv) with negmas==0.16.0, builds the
# `negotiate_bench` example in release mode, runs both under /usr/bin/time -v (peak memory),
# and prints a table of medians and ratios. If pip cannot install negmas, the NegMAS column
# falls back to /work/shared/data/genius/timings.json (labelled as such).
set -euo pipefail
REPS="${1:-5}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/../shared/data/genius"
[ -d "$DATA" ] || DATA="$ROOT/../../shared/data/genius"
OUT="$ROOT/bench/out/negotiate"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"

NEGMAS_OK=1
if [ ! -x "$OUT/venv/bin/python" ]; then
  "$PY" -m venv "$OUT/venv"
fi
if ! "$OUT/venv/bin/python" -c "import negmas" 2>/dev/null; then
  "$OUT/venv/bin/pip" install -q "negmas==0.16.0" || NEGMAS_OK=0
fi

# NegMAS writes the generated domains that detente then reads (same numbers on both sides).
if [ "$NEGMAS_OK" = 1 ]; then
  /usr/bin/time -v "$OUT/venv/bin/python" "$ROOT/bench/negotiate_negmas.py" "$DATA" "$OUT" "$REPS" \
    > "$OUT/negmas.json" 2> "$OUT/negmas.err"
else
  echo "negmas could not be installed: using timings.json figures" >&2
  "$PY" - "$OUT" <<'PYEOF'
import json, random, sys
# same shapes as negotiate_negmas.py, drawn with Python's random (numbers differ from NegMAS's)
def gen(ni, nv, np_, seed):
    r = random.Random(seed)
    w = [[r.random() for _ in range(ni)] for _ in range(np_)]
    w = [[x / sum(row) for x in row] for row in w]
    t = [[[r.random() for _ in range(nv)] for _ in range(ni)] for _ in range(np_)]
    return {"n_issues": ni, "n_values": nv, "weights": w, "tables": t}
out = sys.argv[1]
json.dump(gen(3, 100, 2, 42), open(f"{out}/gen_million.json", "w"))
for nv in (10, 20):
    json.dump(gen(3, nv, 100, 7), open(f"{out}/gen_parties_{nv}.json", "w"))
PYEOF
fi

cargo build --release -q -p detente-negotiate --example negotiate_bench --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/examples/negotiate_bench"
/usr/bin/time -v "$BIN" "$DATA" "$OUT" "$REPS" > "$OUT/detente.json" 2> "$OUT/detente.err"
# peak memory of the 1M-outcome frontier alone
/usr/bin/time -v "$BIN" "$DATA" "$OUT" "$REPS" x million > /dev/null 2> "$OUT/detente_million.err"

"$PY" - "$OUT" "$DATA" "$NEGMAS_OK" <<'PYEOF'
import json, re, sys
out, data, ok = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
d = json.load(open(f"{out}/detente.json"))
if ok:
    n = json.load(open(f"{out}/negmas.json")); src = "measured in this run"
else:
    t = json.load(open(f"{data}/timings.json")); src = "timings.json (NOT measured in this run)"
    m = t.get("pareto_1m", {})
    n = {"pareto_nash": t["pareto_nash"], "sao": t.get("sao_100_steps", {}),
         "million": {"median_s": m["seconds"], "pareto_size": m["pareto_size"]} if m else {},
         "many_parties": {}}
def peak(f):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read())
    return int(m.group(1)) / 1024 if m else float("nan")
print(f"NegMAS figures: {src}")
print(f"{'task':40} {'NegMAS ms':>12} {'detente ms':>12} {'ratio':>8}")
def row(label, a, b):
    print(f"{label:40} {a*1e3:12.3f} {b*1e3:12.4f} {a/b:8.0f}x")
for k, v in d["pareto_nash"].items():
    if k in n["pareto_nash"]:
        row(f"pareto+nash {k} ({v['outcomes']})", n["pareto_nash"][k]["median_s"], v["median_s"])
for k, v in d["sao"].items():
    if k in n.get("sao", {}):
        row(f"SAO boulware-conceder {k}", n["sao"][k]["median_s"], v["median_s"])
if n.get("million"):
    row("pareto 1,000,000 outcomes, 2 parties", n["million"]["median_s"], d["million"]["median_s"])
for k, v in d.get("many_parties", {}).items():
    if k in n.get("many_parties", {}):
        row(f"pareto 100 parties, {k} outcomes", n["many_parties"][k]["median_s"], v["median_s"])
if ok:
    print(f"peak RSS: NegMAS run {peak(out + '/negmas.err'):.0f} MiB, detente run {peak(out + '/detente.err'):.0f} MiB, "
          f"detente 1M frontier alone {peak(out + '/detente_million.err'):.0f} MiB")
print("frontier sizes (NegMAS / detente):",
      {k: (n["pareto_nash"][k]["pareto_size"], v["pareto_size"]) for k, v in d["pareto_nash"].items()},
      "1M:", (n.get("million", {}).get("pareto_size"), d["million"]["pareto_size"]))
PYEOF
