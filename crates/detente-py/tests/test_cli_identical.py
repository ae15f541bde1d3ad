"""Results equal the CLI's `--json` documents for the same inputs and seed, whole documents
(both fronts call the same detente-app functions); reports equal the CLI's byte for byte."""

import pytest

import detente


@pytest.mark.parametrize("runs,seed,threads", [(2000, 7, None), (500, 3, 1), (500, 3, 2)])
def test_simulate(cli, muscat, runs, seed, threads):
    r = detente.simulate(muscat, runs=runs, seed=seed, threads=threads)
    assert isinstance(r, detente.SimulationResult)
    assert r == cli("simulate", "--runs", runs, "--seed", seed)


def test_simulate_with_protocol_and_sets(cli, muscat):
    sc = muscat.with_set({"actors.iran.capability": 0.3})
    r = detente.simulate(sc, runs=300, seed=5, protocol="mediated")
    assert r == cli(
        "simulate", "--runs", 300, "--seed", 5, "--protocol", "mediated",
        "--set", "actors.iran.capability=0.3",
    )


def test_simulate_overlay(cli, muscat, tmp_path):
    ov = tmp_path / "overlay.toml"
    ov.write_text('[[actors]]\nid = "iran"\ncapability = 0.45\n')
    r = detente.simulate(muscat.overlay(ov), runs=300, seed=2)
    assert r == cli("simulate", "--runs", 300, "--seed", 2, "--overlay", ov)


def test_forecast_all_models(cli, muscat):
    r = detente.forecast(muscat)
    assert r == cli("forecast")
    assert [i["id"] for i in r.issues] == muscat.issues
    assert all(set(i["models"]) == set(detente.MODELS) for i in r.issues)


def test_forecast_options(cli, muscat):
    r = detente.forecast(muscat, models=("bdm", "mean"), rounds=5, bdm_variant="replication")
    doc = cli("forecast", "--model", "bdm,mean", "--rounds", 5, "--bdm-variant", "replication")
    assert r == doc
    assert set(r.issues[0]["models"]) == {"bdm", "mean"}


def test_backtest(cli, root):
    r = detente.backtest(root / "cases", runs=60, seed=2)
    assert r == cli("backtest", "cases", "--runs", 60, "--seed", 2)
    assert r.summary["cases"] == len(r.cases) > 0


def test_forecast_on_an_imported_file(cli, shared):
    bdm = shared / "bdm" / "eu_emissions_1994.csv"
    assert detente.forecast(detente.load(bdm)) == cli("forecast", bdm)


def test_sensitivity(cli, muscat):
    r = detente.sensitivity(muscat, runs=30, seed=4)
    assert r == cli("sensitivity", "--runs", 30, "--seed", 4)
    assert r.factors


def test_sensitivity_with_sets_and_protocol(cli, muscat):
    sc = muscat.with_set({"actors.iran.capability": 0.3})
    r = detente.sensitivity(sc, runs=20, seed=2, protocol="sao")
    assert r == cli(
        "sensitivity", "--runs", 20, "--seed", 2, "--protocol", "sao",
        "--set", "actors.iran.capability=0.3",
    )


@pytest.mark.parametrize("steps", [11, 5])
def test_analyze(cli, muscat, steps):
    assert detente.analyze(muscat, steps=steps) == cli("analyze", "--steps", steps)


@pytest.mark.parametrize("domain", ["LaptopA", "IntegerDomain", "ItexvsCypress"])
def test_analyze_genius(cli, shared, domain):
    """A GENIUS folder is analysed under GENIUS's convention, as `detente analyze DIR`; integer
    issues' values are numbers."""
    folder = shared / "genius" / domain
    r = detente.analyze(detente.load(folder))
    assert r == cli("analyze", folder)


@pytest.mark.parametrize("protocol", ["sao", "mediated", "shuttle"])
def test_negotiate(cli, muscat, protocol):
    r = detente.negotiate(muscat, protocol=protocol, strategies={"iran": "random"}, seed=9)
    doc = cli("negotiate", "--protocol", protocol, "--strategy", "iran=random", "--seed", 9)
    assert r == doc


def test_negotiate_options(cli, muscat):
    r = detente.negotiate(muscat, protocol="shuttle", rounds=12, direct_from=3, seed=4, steps=5)
    doc = cli(
        "negotiate", "--protocol", "shuttle", "--rounds", 12, "--direct-from", 3,
        "--seed", 4, "--steps", 5,
    )
    assert r == doc


def test_negotiate_genius(cli, shared):
    folder = shared / "genius" / "IntegerDomain"
    r = detente.negotiate(detente.load(folder), strategies={"IntegerDomain-prof1": "conceder"})
    assert r == cli("negotiate", folder, "--strategy", "IntegerDomain-prof1=conceder")


@pytest.mark.parametrize(
    "name,runs,sensitivity_runs,seed",
    [("r.html", 300, 20, 3), ("r.md", 200, 0, 1), ("r.html", 0, 0, 5)],
)
def test_report(cli, muscat, tmp_path, name, runs, sensitivity_runs, seed):
    """The whole report page (summary, labels, bargaining plane, events, tornado), byte for byte."""
    ours = detente.report(
        muscat, tmp_path / f"py-{name}", runs=runs, seed=seed, sensitivity_runs=sensitivity_runs
    )
    theirs = tmp_path / f"cli-{name}"
    cli(
        "report", "-o", theirs, "--runs", runs, "--sensitivity-runs", sensitivity_runs,
        "--seed", seed,
    )
    page = open(ours, encoding="utf-8").read()
    assert page == theirs.read_text(encoding="utf-8")
    if name.endswith(".html") and runs:
        for section in ('class="summary"', "<h2>How does it end?</h2>"):
            assert section in page, section


def test_report_of_a_changed_scenario(cli, muscat, tmp_path):
    sc = muscat.with_set({"actors.iran.capability": 0.3})
    ours = detente.report(sc, tmp_path / "py.md", runs=100, sensitivity_runs=5)
    toml = tmp_path / "changed.toml"
    toml.write_text(sc.to_toml(), encoding="utf-8")
    theirs = tmp_path / "cli.md"
    cli("report", toml, "-o", theirs, "--runs", 100, "--sensitivity-runs", 5)
    assert open(ours, encoding="utf-8").read() == theirs.read_text(encoding="utf-8")


def test_report_with_a_what_if_beside_it(cli, muscat, tmp_path):
    """`compare=` is the CLI's `--compare OVERLAY`: the same page, byte for byte."""
    overlay = tmp_path / "strike.toml"
    overlay.write_text(
        '[[actors]]\nid = "iran"\ncapability = 0.2\n', encoding="utf-8"
    )
    ours = detente.report(muscat, tmp_path / "py.html", runs=300, compare=overlay)
    theirs = tmp_path / "cli.html"
    cli("report", "-o", theirs, "--runs", 300, "--sensitivity-runs", 0, "--compare", overlay)
    page = open(ours, encoding="utf-8").read()
    assert page == theirs.read_text(encoding="utf-8")
    assert "strike.toml" in page


@pytest.mark.parametrize("name", ["bt.html", "bt.md"])
def test_backtest_page(cli, root, tmp_path, name):
    """`report_backtest` writes the page of `detente report --backtest`, byte for byte."""
    ours = detente.report_backtest(root / "cases", tmp_path / f"py-{name}", runs=40, seed=3)
    theirs = tmp_path / f"cli-{name}"
    cli("report", "--backtest", root / "cases", "-o", theirs, "--runs", 40, "--seed", 3)
    assert open(ours, encoding="utf-8").read() == theirs.read_text(encoding="utf-8")


def test_a_report_is_written_whole_or_not_at_all(muscat, tmp_path):
    """A failed report leaves the file that was there, and no temporary file beside it."""
    path = tmp_path / "r.html"
    path.write_text("before", encoding="utf-8")
    with pytest.raises(OSError, match="missing.toml"):
        detente.report(muscat, path, runs=10, compare=tmp_path / "missing.toml")
    assert path.read_text(encoding="utf-8") == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
