#!/usr/bin/env bash
# Builds the Python package (crates/detente-py) into a virtualenv and runs its tests.
#
# Needs only a Rust toolchain, Python >= 3.9 with venv and pip, and access to PyPI. Creates the
# venv if missing, installs maturin, pytest, pandas, matplotlib, nbclient, ipykernel and Ray
# (the `ray` extra, for detente.distributed and its tests on a local cluster), builds
# the extension in release mode (`maturin develop`), builds the `detente` CLI the tests compare
# against, and runs pytest (including the quickstart notebook).
#
# Environment:
#   DETENTE_PY_VENV    the virtualenv (default: target/py-venv)
#   DETENTE_PY_TARGET  cargo target dir of the extension (default: target/py)
#   PYTHON             interpreter that creates the venv (default: python3)
#   extra arguments are passed to pytest, e.g. tools/test-python.sh -k simulate
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VENV="${DETENTE_PY_VENV:-$ROOT/target/py-venv}"
PY_TARGET="${DETENTE_PY_TARGET:-$ROOT/target/py}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
fi
echo "== installing test tools into $VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
  "maturin>=1.5,<2" pytest pandas matplotlib nbclient nbformat ipykernel "ray>=2.10,<3"

echo "== building the extension (maturin develop --release)"
(
  export VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH"
  cd crates/detente-py
  CARGO_TARGET_DIR="$PY_TARGET" maturin develop --release --quiet
)

echo "== building the CLI the tests compare against"
cargo build -q -p detente
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps \
  | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
export DETENTE_BIN="$TARGET_DIR/debug/detente"

echo "== pytest"
cd crates/detente-py
"$VENV/bin/python" -m pytest tests -q -p no:cacheprovider --durations=10 "$@"
