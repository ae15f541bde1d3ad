"""Invalid scenarios raise ScenarioError with every problem located like `detente validate`."""

import pickle
from pathlib import Path

import pytest

import detente

ROOT = Path(__file__).resolve().parents[3]
BAD = sorted((ROOT / "tests" / "bad-inputs").glob("*.toml"))


def test_capability_string_is_located(root):
    path = root / "tests" / "bad-inputs" / "capability-string.toml"
    with pytest.raises(detente.ScenarioError) as info:
        detente.load(path)
    e = info.value
    assert (e.line, e.column, e.field) == (6, 14, "actors[0].capability")
    assert e.file == str(path)
    assert "expected a number" in e.message
    assert e.problems and all(isinstance(p, detente.Problem) for p in e.problems)
    assert "capability-string.toml:6:14" in str(e)
    assert isinstance(e, ValueError)
    again = pickle.loads(pickle.dumps(e))
    assert again.problems == e.problems and again.line == 6


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_same_problems_as_validate(cli, path):
    doc = cli("validate", path.relative_to(ROOT), check=False)
    rel = str(path.relative_to(ROOT))
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        detente.load(rel)
    except detente.ScenarioError as e:
        got = [{k: getattr(p, k) for k in ("message", "file", "line", "column", "field")} for p in e.problems]
        assert got == doc["errors"]
    except OSError:
        assert "errors" not in doc or not doc.get("valid", True)
    else:
        assert doc["valid"], f"{rel} loaded but the CLI says: {doc}"
    finally:
        os.chdir(cwd)


def test_overlay_with_errors(muscat, tmp_path):
    ov = tmp_path / "bad.toml"
    ov.write_text('[[actors]]\nid = "iran"\ncapability = -1\n')
    with pytest.raises(ValueError) as info:
        muscat.overlay(ov)
    if isinstance(info.value, detente.ScenarioError):
        assert info.value.problems
