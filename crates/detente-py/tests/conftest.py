"""Shared fixtures: the repository root and the `detente` CLI built from the same checkout."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _cli_binary() -> Path:
    given = os.environ.get("DETENTE_BIN")
    if given:
        return Path(given)
    subprocess.run(["cargo", "build", "-q", "-p", "detente"], cwd=ROOT, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"]) / "debug" / "detente"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared() -> Path:
    """The reference data beside the repository (../shared/data), as the Rust tests read it."""
    return ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def cli():
    """Runs `detente ARGS --json` in the repository root and returns the parsed document."""
    binary = _cli_binary()
    assert binary.exists(), f"no CLI binary at {binary}"

    def run(*args, check=True):
        out = subprocess.run(
            [str(binary), *map(str, args), "--json"], cwd=ROOT, capture_output=True, text=True
        )
        if check and out.returncode != 0:
            raise AssertionError(f"detente {' '.join(map(str, args))} failed: {out.stdout}{out.stderr}")
        return json.loads(out.stdout)

    return run


@pytest.fixture(scope="session")
def muscat():
    import detente

    return detente.load("muscat-2026")
