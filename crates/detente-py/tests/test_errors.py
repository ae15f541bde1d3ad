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


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda sc: detente.analyze(sc, steps=1), "at least 2 steps"),
        (lambda sc: detente.analyze(sc, steps=10**9), "limit of 1000 steps"),
        (lambda sc: detente.negotiate(sc, rounds=0), "outside 1..=1000"),
        (lambda sc: detente.negotiate(sc, rounds=10**6), "outside 1..=1000"),
        (lambda sc: detente.simulate(sc, runs=10**9), "limit of 1000000 runs"),
        (lambda sc: detente.simulate(sc, runs=10, threads=10**5), "limit of 1024"),
        (lambda sc: detente.sensitivity(sc, runs=20_000), "futures per job"),
        (lambda sc: detente.report(sc, "unused.html", runs=10**9), "limit of 1000000 runs"),
    ],
)
def test_job_sizes_past_the_limits_are_refused_up_front(muscat, call, message):
    # The CLI's flag limits (docs/limits.md) hold for the Python API too: refused before any
    # work starts, never a hang, an allocation failure, or a silent substitute (steps=1 used
    # to run as 2, rounds=0 as 1).
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        call(muscat)
