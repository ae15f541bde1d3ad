#!/usr/bin/env bash
# Chunked distributed simulate (detente.distributed on Ray) against the single process, on this
# machine: throughput with 1 and 2 worker nodes (local Ray clusters), per-task overhead, the
# driver's reduce; R repetitions each, min and median (bench/ray_driver.py prints the tables).
# Usage: bench/ray.sh [RUNS=20000] [R=3] [OVERHEAD_TASKS=300]
#
# Uses the virtualenv of tools/test-python.sh (DETENTE_PY_VENV, default target/py-venv) and
# (re)builds the extension into it in release mode; installs maturin and Ray if missing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
runs=${1:-20000}; reps=${2:-3}; tasks=${3:-300}
VENV="${DETENTE_PY_VENV:-$ROOT/target/py-venv}"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" "ray>=2.10,<3"
(
  export VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH"
  cd crates/detente-py
  CARGO_TARGET_DIR="${DETENTE_PY_TARGET:-$ROOT/target/py}" maturin develop --release --quiet
)
"$VENV/bin/python" bench/ray_driver.py --runs "$runs" --reps "$reps" --overhead-tasks "$tasks"
