"""The Python API: loading, variants, errors, result types, pandas, reports."""

import pickle

import pytest

import detente


def test_load_builtin(muscat):
    assert detente.builtins() == ["muscat-2026"]
    assert "iran" in muscat.actors and "usa" in muscat.actors
    assert muscat.issues and muscat.title
    assert repr(muscat).startswith("<detente.Scenario")


def test_load_file_round_trip(muscat, tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(muscat.to_toml())
    again = detente.load(p)
    assert again.to_toml() == muscat.to_toml()
    assert again.name == str(p)


def test_load_missing():
    with pytest.raises(OSError, match="not a built-in"):
        detente.load("no-such-scenario")


def test_load_bdm_import(root):
    bdm = next((root / "tests").rglob("*.csv"), None)
    if bdm is None:
        pytest.skip("no CSV in tests/")
    try:
        detente.load(bdm)
    except detente.ScenarioError as e:  # the bad-input corpus: located problems
        assert e.problems


def test_with_set_changes_the_result(muscat):
    base = detente.simulate(muscat, runs=300, seed=1)
    weak = detente.simulate(muscat.with_set({"actors.iran.capability": 0.05}), runs=300, seed=1)
    assert base != weak
    assert muscat.with_set({}).to_toml() == muscat.to_toml()


def test_with_set_bad_path(muscat):
    with pytest.raises(ValueError):
        muscat.with_set({"actors.nobody.capability": 0.3})


def test_with_set_invalid_value(muscat):
    with pytest.raises(ValueError) as e:
        muscat.with_set({"actors.iran.capability": -2})
    if isinstance(e.value, detente.ScenarioError):
        assert e.value.field and e.value.problems


def test_result_is_a_dict_with_attributes(muscat):
    r = detente.simulate(muscat, runs=200, seed=7)
    assert isinstance(r, dict)
    assert r.outcomes is r["outcomes"]
    assert abs(sum(o["p"] for o in r.outcomes.values()) - 1) < 1e-9
    assert r.by_round[-1]["deal"] == r.outcomes["deal"]["p"]
    with pytest.raises(AttributeError):
        r.nope
    assert pickle.loads(pickle.dumps(r)) == r


def test_same_seed_any_threads(muscat):
    a = detente.simulate(muscat, runs=400, seed=11, threads=1)
    b = detente.simulate(muscat, runs=400, seed=11, threads=2)
    assert a == b


def test_bad_arguments(muscat):
    with pytest.raises(ValueError, match="runs"):
        detente.simulate(muscat, runs=0)
    with pytest.raises(ValueError, match="protocol"):
        detente.simulate(muscat, runs=10, protocol="telepathy")
    with pytest.raises(ValueError, match="unknown model"):
        detente.forecast(muscat, models=["oracle"])
    with pytest.raises(TypeError):
        detente.simulate("muscat-2026", runs=10)


def test_to_pandas_simulate(muscat):
    pd = pytest.importorskip("pandas")
    r = detente.simulate(muscat, runs=300, seed=3)
    t = r.to_pandas()
    assert set(t) == {"outcomes", "by_round", "causes", "issues"}
    assert list(t["outcomes"].index) == sorted(r.outcomes)
    assert t["outcomes"].loc["deal", "p"] == r.outcomes["deal"]["p"]
    assert list(t["by_round"].columns) == ["deal", "interim", "stalemate", "breakdown"]
    assert len(t["by_round"]) == len(r.by_round)
    assert set(t["issues"].index) == set(muscat.issues)
    assert len(t["causes"]) == len(r.causes)
    assert isinstance(r.to_pandas("by_round"), pd.DataFrame)


def test_to_pandas_forecast(muscat):
    pytest.importorskip("pandas")
    r = detente.forecast(muscat)
    df = r.to_pandas()
    assert list(df.index) == muscat.issues
    assert list(df.columns) == list(detente.MODELS) + ["ensemble"]
    for issue in r.issues:
        for m, v in issue["models"].items():
            assert df.loc[issue["id"], m] == v["outcome"]
        assert df.loc[issue["id"], "ensemble"] == issue["ensemble"]
    rounds = r.to_pandas("rounds")
    assert set(rounds["model"]) == {"bdm", "smp"}


def test_to_pandas_sensitivity_backtest_negotiate_analyze(muscat, root):
    pytest.importorskip("pandas")
    t = detente.sensitivity(muscat, runs=20, seed=1)
    df = t.to_pandas()
    assert list(df.index) == [f["input"] for f in t.factors]
    b = detente.backtest(root / "cases", runs=30, seed=1).to_pandas()
    assert len(b["cases"]) > 0 and {"brier", "actual"} <= set(b["cases"].columns)
    n = detente.negotiate(muscat, seed=1)
    assert len(n.to_pandas()) == len(n.trace)
    a = detente.analyze(muscat)
    assert len(a.to_pandas()) == a.pareto["size"]


def test_report(muscat, tmp_path):
    html = detente.report(muscat, tmp_path / "r.html", runs=200)
    text = open(html, encoding="utf-8").read()
    assert text.lstrip().lower().startswith("<!doctype html") and "<svg" in text
    md = detente.report(muscat, tmp_path / "r.md", runs=0)
    assert muscat.title in open(md, encoding="utf-8").read()


def test_to_pandas_without_pandas(muscat, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now fails
    with pytest.raises(ImportError, match="pip install pandas"):
        detente.forecast(muscat).to_pandas()
