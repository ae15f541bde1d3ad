"""detente.distributed on a real local Ray cluster (a head and a worker node, plus nodes that
are added and killed): results equal the single-process ones bit for bit (the whole
document), also when a node dies with tasks in flight."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import ray
from ray.cluster_utils import Cluster

import detente
from detente import _detente, distributed

MB = 2**20
NODE = {"num_cpus": 1, "object_store_memory": 80 * MB}
# Dead nodes are noticed within about a second.
FAST_DEATH = {"health_check_initial_delay_ms": 0, "health_check_period_ms": 500, "health_check_failure_threshold": 2}


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(
        initialize_head=True,
        head_node_args={**NODE, "include_dashboard": False, "_system_config": FAST_DEATH},
    )
    c.add_node(**NODE)
    c.wait_for_nodes()
    try:
        yield c
    finally:
        ray.shutdown()
        c.shutdown()


def test_simulate_equals_single_process_and_the_cli(cluster, muscat, cli):
    # the first call connects to the cluster through `address`
    r = distributed.simulate(muscat, runs=3000, seed=7, address=cluster.address, chunk=700)
    assert ray.is_initialized()
    assert len([n for n in ray.nodes() if n["Alive"]]) >= 2
    assert isinstance(r, detente.SimulationResult)
    single = detente.simulate(muscat, runs=3000, seed=7)
    assert r == single
    assert json.dumps(r, sort_keys=True) == json.dumps(single, sort_keys=True)
    assert r == cli("simulate", "--runs", 3000, "--seed", 7)


@pytest.mark.parametrize(
    "runs,chunk,threads",
    [(50, 1, 1), (401, 100, 1), (1000, 999, 2), (600, None, 1)],
)
def test_any_chunking_gives_the_same_document(cluster, muscat, runs, chunk, threads):
    # the nodes have one CPU each: two engine threads on one CPU slot
    r = distributed.simulate(
        muscat, runs=runs, seed=3, chunk=chunk, threads=threads, address=cluster.address, ray_options={"num_cpus": 1}
    )
    assert r == detente.simulate(muscat, runs=runs, seed=3)


def test_protocol_params_and_changed_scenarios(cluster, muscat, root, tmp_path):
    # a --set change travels as TOML and is simulated the same
    sc = muscat.with_set({"actors.iran.capability": 0.3, "events.military_strike.probability": 0.35})
    cal = root / "crates" / "detente-sim" / "calibration.toml"
    params = tmp_path / "cal.toml"
    params.write_text(cal.read_text().replace("shrink = ", "shrink = 0.5 #", 1))
    for kw in ({"protocol": "mediated"}, {"params": params}, {}):
        r = distributed.simulate(sc, runs=500, seed=11, chunk=150, address=cluster.address, **kw)
        assert r == detente.simulate(sc, runs=500, seed=11, **kw), kw
    assert r != detente.simulate(muscat, runs=500, seed=11)


def test_sweep_points_equal_single_process(cluster, muscat, cli):
    grid = {"actors.iran.capability": [0.3, 0.6], "events.military_strike.probability": [0.05, 0.5]}
    seen = []
    r = distributed.sweep(
        muscat, grid, runs=400, seed=5, chunk=150, address=cluster.address, progress=lambda d, n: seen.append((d, n))
    )
    assert isinstance(r, detente.SweepResult)
    assert r.grid == grid and r.runs == 400 and r.seed == 5
    assert [p["set"] for p in r.points] == [
        {"actors.iran.capability": a, "events.military_strike.probability": b}
        for a in (0.3, 0.6)
        for b in (0.05, 0.5)
    ]
    for p in r.points:
        assert p["result"] == detente.simulate(muscat.with_set(p["set"]), runs=400, seed=5), p["set"]
    # the same as the CLI's --set
    last = r.points[-1]
    assert last["result"] == cli(
        "simulate", "--runs", 400, "--seed", 5,
        "--set", "actors.iran.capability=0.6", "--set", "events.military_strike.probability=0.5",
    )
    assert seen[-1] == (12, 12) and all(d <= n for d, n in seen)  # 4 points × 3 chunks
    pts = r.to_pandas("points")
    assert pts.index.names == list(grid) and len(pts) == 4
    assert pts["p_deal"].tolist() == [p["result"]["outcomes"]["deal"]["p"] for p in r.points]
    issues = r.to_pandas("issues")
    assert len(issues) == 4 * len(muscat.issues)


def test_sweep_checks_every_point_before_sending_tasks(cluster, muscat):
    with pytest.raises(ValueError, match="nosuchactor"):
        distributed.sweep(muscat, {"actors.nosuchactor.capability": [0.1]}, runs=10, address=cluster.address)
    with pytest.raises(detente.ScenarioError):
        distributed.sweep(muscat, {"actors.iran.capability": [0.3, -2.0]}, runs=10, address=cluster.address)


def test_backtest_equals_single_process(cluster, root, cli):
    r = distributed.backtest(root / "cases", runs=60, seed=2, address=cluster.address)
    assert isinstance(r, detente.BacktestResult)
    assert r == detente.backtest(root / "cases", runs=60, seed=2)
    assert r == cli("backtest", "cases", "--runs", 60, "--seed", 2)
    assert len(r.cases) > 1 and {c["params"] for c in r.cases} <= {"held_out", "unseen", "stale"}
    assert set(r.to_pandas()) == {"cases", "issues"}


def test_bad_arguments_are_refused_before_any_task(cluster, muscat, root, tmp_path):
    on = {"address": cluster.address}
    with pytest.raises(ValueError, match="runs must be at least 1"):
        distributed.simulate(muscat, runs=0, **on)
    with pytest.raises(ValueError, match="unknown protocol"):
        distributed.simulate(muscat, runs=10, protocol="telepathy", **on)
    with pytest.raises(ValueError, match="chunk"):
        distributed.simulate(muscat, runs=10, chunk=0, **on)
    with pytest.raises(ValueError, match="threads"):
        distributed.simulate(muscat, runs=10, threads=0, **on)
    # tasks no node can hold are refused, not left waiting for ever
    with pytest.raises(ValueError, match=r"no node of the Ray cluster can hold one task \(2 CPU"):
        distributed.simulate(muscat, runs=10, threads=2, **on)
    with pytest.raises(ValueError, match="1 CPU, 1 nowhere"):
        distributed.simulate(muscat, runs=10, ray_options={"resources": {"nowhere": 1}}, **on)
    with pytest.raises(ValueError, match="no node"):
        distributed.backtest(root / "cases", runs=10, threads=3, **on)
    # the documented job limits, as detente.simulate and detente.backtest apply them
    with pytest.raises(ValueError, match="limit of 1000000 runs"):
        distributed.simulate(muscat, runs=10**9, **on)
    with pytest.raises(ValueError, match="limit of 1000000 runs"):
        distributed.backtest(root / "cases", runs=10**9, **on)
    # the same error as detente.backtest
    with pytest.raises(ValueError, match="cannot read") as single:
        detente.backtest(tmp_path / "nowhere", runs=10)
    with pytest.raises(ValueError) as dist:
        distributed.backtest(tmp_path / "nowhere", runs=10, **on)
    assert str(dist.value) == str(single.value)


# --- a node dies while its tasks run ------------------------------------------------------------


def _run_and_kill(cluster, muscat, max_retries):
    """Starts a simulation whose chunks (about 0.5-1 s each) may run only on node A (custom
    resource "victim") and on B; kills A as soon as the first chunk is back, i.e. while A runs
    its next one (more chunks are queued than the two nodes can hold)."""
    a = cluster.add_node(**NODE, resources={"victim": 1})
    b = cluster.add_node(**NODE, resources={"victim": 1})
    cluster.wait_for_nodes()
    first, out = threading.Event(), {}

    def progress(done, total):
        out.setdefault("at_kill", (done, total))
        first.set()

    def drive():
        try:
            out["r"] = distributed.simulate(
                muscat, runs=8000, seed=3, chunk=1000, max_retries=max_retries, address=cluster.address,
                ray_options={"resources": {"victim": 1}}, progress=progress,
            )
        except BaseException as e:  # noqa: BLE001 - handed to the test
            out["e"] = e

    t = threading.Thread(target=drive)
    t.start()
    try:
        assert first.wait(120), "no chunk finished"
        cluster.remove_node(a, allow_graceful=False)
        done, total = out["at_kill"]
        assert done <= total - 2, "killed too late: the node may have been idle"
    finally:
        t.join(180)
        cluster.remove_node(b)
    assert not t.is_alive()
    return out


def test_a_node_killed_mid_run_changes_nothing(cluster, muscat):
    out = _run_and_kill(cluster, muscat, max_retries=3)
    assert "e" not in out, out.get("e")
    assert out["r"] == detente.simulate(muscat, runs=8000, seed=3)


def test_without_retries_the_same_kill_fails(cluster, muscat):
    """The control: the kill really takes a task in flight (without Ray's retries the job
    fails), so the test above saw a task rerun."""
    out = _run_and_kill(cluster, muscat, max_retries=0)
    assert isinstance(out.get("e"), ray.exceptions.RayError), out


# --- chunks are checked on reduce ---------------------------------------------------------------


def test_the_reduce_refuses_chunks_of_another_simulation(muscat):
    inner = muscat._inner
    a = _detente._dist_sim_chunk(inner, 30, 4, 0, 10)
    b = _detente._dist_sim_chunk(inner, 30, 4, 10, 30)
    assert json.loads(_detente._dist_sim_reduce(inner, [a, b], 30, 4)) == detente.simulate(muscat, runs=30, seed=4)
    other_seed = _detente._dist_sim_chunk(inner, 30, 5, 10, 30)
    changed = muscat.with_set({"actors.iran.capability": 0.3})._inner
    other_scenario = _detente._dist_sim_chunk(changed, 30, 4, 10, 30)
    damaged = bytearray(b)
    damaged[len(damaged) // 2] ^= 1
    cases = {
        "missing": ([a], "runs 10..30 are missing"),
        "order": ([b, a], "runs 0..10 are missing"),
        "twice": ([a, a, b], "overlaps"),
        "seed": ([a, other_seed], "another simulation"),
        "scenario": ([a, other_scenario], "another simulation"),
        "protocol": ([a, _detente._dist_sim_chunk(inner, 30, 4, 10, 30, None, "sao")], "another simulation"),
        "damaged": ([a, bytes(damaged)], "checksum"),
    }
    for what, (chunks, msg) in cases.items():
        with pytest.raises(ValueError, match=msg):
            _detente._dist_sim_reduce(inner, chunks, 30, 4)
    with pytest.raises(ValueError, match="not a range"):
        _detente._dist_sim_chunk(inner, 30, 4, 20, 31)


def test_the_backtest_reduce_refuses_scores_of_other_cases(root):
    plan = _detente._dist_backtest_plan(str(root / "cases"), 20, 1)
    assert len(plan) > 1
    scores = [_detente._dist_backtest_case(i, s, sn, o, on, 20, 1, 1) for i, _k, s, sn, o, on in plan]
    keys = [p[1] for p in plan]
    assert json.loads(_detente._dist_backtest_reduce(keys, scores, 1)) == detente.backtest(root / "cases", runs=20, seed=1)
    with pytest.raises(ValueError, match="another case"):
        _detente._dist_backtest_reduce(keys, scores[::-1], 1)
    i, _k, s, sn, o, on = plan[0]
    other_seed = _detente._dist_backtest_case(i, s, sn, o, on, 20, 2, 1)
    with pytest.raises(ValueError, match="another case"):
        _detente._dist_backtest_reduce(keys, [other_seed, *scores[1:]], 1)
    with pytest.raises(ValueError, match="scores for"):
        _detente._dist_backtest_reduce(keys, scores[1:], 1)
    damaged = bytearray(scores[0])
    damaged[30] ^= 1
    with pytest.raises(ValueError, match="checksum"):
        _detente._dist_backtest_reduce(keys, [bytes(damaged), *scores[1:]], 1)


def test_to_toml_reads_back_the_same_scenario(muscat, tmp_path):
    """Scenarios travel as TOML: what a worker reads back simulates identically, for a
    built-in, a changed and an imported scenario."""
    csv = tmp_path / "emissions.csv"
    csv.write_text(
        "actor,capability,position,salience\n"
        "Netherlands,0.08,4,0.8\nBelgium,0.08,7,0.4\nGermany,0.16,4,0.8\nFrance,0.16,10,0.6\n"
        "Italy,0.16,8.3,0.1\nUK,0.16,9,0.4\n"
    )
    variants = [
        muscat,
        muscat.with_set({"actors.iran.capability": 0.3, "issues.stockpile.status_quo": "diluted_in_iran"}),
        detente.load(csv),
    ]
    for sc in variants:
        back = _detente._dist_scenario_from_toml(sc.to_toml(), "sent.toml")
        assert back.to_toml() == sc.to_toml()
        assert _detente._dist_sim_check(back, 300, 9) == _detente._dist_sim_check(sc._inner, 300, 9)
        assert detente.simulate(detente.Scenario(back), runs=300, seed=9) == detente.simulate(sc, runs=300, seed=9)


# --- optional Ray, and a local Ray -------------------------------------------------------------


def _python(code, **env):
    e = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    e.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=e, timeout=300)


def test_import_detente_needs_no_ray():
    out = _python(
        "import sys\n"
        "sys.modules['ray'] = None  # as if Ray were not installed\n"
        "import detente, detente.distributed\n"
        "sc = detente.load('muscat-2026')\n"
        "assert detente.simulate(sc, runs=20, seed=1).runs == 20\n"
        "try:\n"
        "    detente.distributed.simulate(sc, runs=20)\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    assert out.returncode == 0, out.stderr
    assert "pip install 'detente[ray]'" in out.stdout


def test_address_none_starts_a_local_ray(cluster):
    """Even with a cluster running on this machine, address=None starts a Ray of its own."""
    out = _python(
        "import json, ray, detente\n"
        "from detente import distributed\n"
        "sc = detente.load('muscat-2026')\n"
        "r = distributed.simulate(sc, runs=300, seed=2, chunk=100)\n"
        "print(json.dumps({'same': r == detente.simulate(sc, runs=300, seed=2),\n"
        "                  'gcs': ray.get_runtime_context().gcs_address, 'nodes': len(ray.nodes())}))\n"
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["same"] and got["nodes"] == 1
    assert got["gcs"] != cluster.address
