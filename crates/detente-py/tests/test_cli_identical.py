"""Results equal the CLI's `--json` documents for the same inputs and seed.

simulate and backtest: the whole document is identical. forecast, sensitivity, analyze and
negotiate: every field the Python result carries equals the CLI's (the CLI's documents for
these commands are gaining fields in work under way; see crates/detente-py/README.md).
"""

import pytest

import detente
from conftest import contained


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
    assert contained(r, cli("forecast")) is None
    assert [i["id"] for i in r.issues] == muscat.issues
    assert all(set(i["models"]) == set(detente.MODELS) for i in r.issues)


def test_forecast_options(cli, muscat):
    r = detente.forecast(muscat, models=("bdm", "mean"), rounds=5, bdm_variant="replication")
    doc = cli("forecast", "--model", "bdm,mean", "--rounds", 5, "--bdm-variant", "replication")
    assert contained(r, doc) is None
    assert set(r.issues[0]["models"]) == {"bdm", "mean"}


def test_backtest(cli, root):
    r = detente.backtest(root / "cases", runs=60, seed=2)
    assert r == cli("backtest", "cases", "--runs", 60, "--seed", 2)
    assert r.summary["cases"] == len(r.cases) > 0


def test_sensitivity(cli, muscat):
    r = detente.sensitivity(muscat, runs=30, seed=4)
    assert contained(r, cli("sensitivity", "--runs", 30, "--seed", 4)) is None
    assert r.factors


def test_analyze(cli, muscat):
    r = detente.analyze(muscat)
    assert contained(r, cli("analyze"), labels=False) is None


@pytest.mark.parametrize("protocol", ["sao", "mediated", "shuttle"])
def test_negotiate(cli, muscat, protocol):
    r = detente.negotiate(muscat, protocol=protocol, strategies={"iran": "random"}, seed=9)
    doc = cli("negotiate", "--protocol", protocol, "--strategy", "iran=random", "--seed", 9)
    assert contained(r, doc, labels=False) is None
