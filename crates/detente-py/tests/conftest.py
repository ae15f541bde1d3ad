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


def contained(py, cli, path="$", labels=True):
    """Every field of the Python document is in the CLI's with the same value (the CLI may carry
    more). Returns the first difference, or None. With labels=False, a value written as a string
    (an outcome's label for a continuous issue, e.g. "6") matches the same number."""
    if isinstance(py, dict):
        if not isinstance(cli, dict):
            return f"{path}: {py!r} vs {cli!r}"
        for k, v in py.items():
            if k not in cli:
                return f"{path}.{k}: missing in the CLI document"
            d = contained(v, cli[k], f"{path}.{k}", labels)
            if d:
                return d
        return None
    if isinstance(py, list):
        if not isinstance(cli, list) or len(py) != len(cli):
            return f"{path}: lists differ in length"
        for i, (a, b) in enumerate(zip(py, cli)):
            d = contained(a, b, f"{path}[{i}]", labels)
            if d:
                return d
        return None
    if not labels and isinstance(py, str) and isinstance(cli, (str, int, float)):
        try:
            return None if float(py) == float(cli) else f"{path}: {py!r} vs {cli!r}"
        except ValueError:
            pass
    return None if py == cli else f"{path}: {py!r} vs {cli!r}"
