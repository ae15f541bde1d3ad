"""Scale-out on Ray: the big jobs (many runs, grids of what-ifs, the whole backtest) as Ray
tasks on one machine or a cluster, with results bit-identical to the single-process calls.

Ray is an optional extra (``pip install 'detente[ray]'``); ``import detente`` and
``import detente.distributed`` never import it, the first call here does::

    import detente
    from detente import distributed

    sc = detente.load("muscat-2026")
    r = distributed.simulate(sc, runs=1_000_000, seed=7)                  # a local Ray
    r = distributed.simulate(sc, runs=1_000_000, seed=7, address="auto")  # a running cluster
    assert r == detente.simulate(sc, runs=1_000_000, seed=7)              # the same document

**How.** :func:`simulate` splits runs ``0..runs`` into chunks; each chunk is one Ray task that
runs the Rust engine on runs ``[start, end)`` of the same seed (run k has its own random stream,
whichever process makes it) and returns them as exact bytes (every number by its bits),
stamped with a fingerprint of the scenario, seed, run count, protocol and parameters. The
driver checks the chunks (all made for this simulation, covering every run once, in order) and
reduces them in run order, so the result equals :func:`detente.simulate` and ``detente
simulate --json`` bit for bit. Scenarios travel to the workers as their TOML text
(:meth:`detente.Scenario.to_toml`, which reads back identical), calibration files as their
text, case files as their bytes: workers need the ``detente`` package, no shared files.

**Faults.** A task lost with its worker or node is run again by Ray, up to ``max_retries``
times; runs are deterministic, so the result is the same. Results are fetched to the driver as
each task finishes. A task that fails in the engine (bad input) is not retried. On an error or
Ctrl-C the tasks still running are cancelled.

**Connection** (``address``). If Ray is already initialised in this process, that connection is
used as it is. Otherwise ``None`` starts a local Ray on this machine (``ray.init(address=
"local")``; it stays up for later calls until the interpreter exits or ``ray.shutdown()``),
``"auto"`` joins the cluster this machine is part of (``RAY_ADDRESS``, or ``ray start``),
``"ray://head:10001"`` connects through Ray Client, ``"host:port"`` to a cluster's GCS. Every
node needs the same ``detente`` version (``pip install 'detente[ray]'``, or a Ray runtime
environment).

**Resources.** Each task asks Ray for ``threads`` CPUs and runs the engine on that many
threads (results do not depend on it). ``ray_options`` adds Ray task options (``num_cpus``,
``resources``, ``scheduling_strategy``, ``memory``, …). A task that no live node of the cluster
can hold (CPUs, GPUs, custom resources) is refused with ``ValueError`` rather than left waiting
for ever; on a cluster whose autoscaler would add such nodes, start them first.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import PathLike, Scenario, _detente, _inner
from ._results import BacktestResult, SimulationResult, SweepResult

__all__ = ["simulate", "sweep", "backtest", "default_chunk", "MIN_CHUNK", "SweepResult"]

#: The smallest chunk :func:`default_chunk` picks: Ray's per-task overhead is a few
#: milliseconds (bench/README.md), a Muscat run about 0.3 ms on one core.
MIN_CHUNK = 1000

Progress = Callable[[int, int], None]


def _ray():
    try:
        import ray
    except ImportError as e:
        raise ImportError(
            "detente.distributed needs Ray, an optional dependency of detente: "
            "pip install 'detente[ray]' (or pip install 'ray>=2.10,<3')"
        ) from e
    return ray


def _connect(address: Optional[str]):
    ray = _ray()
    if not ray.is_initialized():
        ray.init(address="local" if address is None else address)
    return ray


def _read_params(params: Optional[PathLike]) -> Tuple[Optional[str], str]:
    """A calibration file as (text, name): workers get the text, not the path."""
    if params is None:
        return None, ""
    path = os.fspath(params)
    with open(path, encoding="utf-8") as f:
        return f.read(), path


def default_chunk(runs: int, slots: int) -> int:
    """Runs per task when ``chunk`` is not given: about four tasks per task slot (cluster CPUs
    divided by ``threads``), so that a lost or slow task costs little, but at least
    :data:`MIN_CHUNK` runs, so that the per-task overhead stays small."""
    return max(1, min(runs, max(MIN_CHUNK, math.ceil(runs / (4 * max(1, slots))))))


def _bounds(runs: int, chunk: int) -> List[Tuple[int, int]]:
    if not isinstance(chunk, int) or chunk < 1:
        raise ValueError("chunk must be a positive integer (runs per task)")
    return [(a, min(a + chunk, runs)) for a in range(0, runs, chunk)]


def _check_threads(threads: int) -> int:
    if not isinstance(threads, int) or threads < 1:
        raise ValueError("threads must be a positive integer (CPUs and engine threads per task)")
    return threads


# --- the tasks: plain module functions, which Ray ships by reference to this module ----------


def _chunk_task(toml, name, runs, seed, start, end, threads, protocol, params, params_name):
    sc = _detente._dist_scenario_from_toml(toml, name)
    return _detente._dist_sim_chunk(sc, runs, seed, start, end, threads, protocol, params, params_name)


def _case_task(id, scenario, scenario_name, outcome, outcome_name, runs, seed, threads, params, params_name):
    return _detente._dist_backtest_case(
        id, scenario, scenario_name, outcome, outcome_name, runs, seed, threads, params, params_name
    )


def _check_fits(ray, threads: int, ray_options: Optional[Mapping[str, Any]]) -> None:
    """Ray would wait forever for a task no node can hold: refuse it instead."""
    opts = ray_options or {}
    want = {"CPU": opts.get("num_cpus", threads), "GPU": opts.get("num_gpus", 0), **opts.get("resources", {})}
    want = {k: v for k, v in want.items() if v}
    nodes = [n.get("Resources", {}) for n in ray.nodes() if n.get("Alive")]
    if not any(all(r.get(k, 0) >= v for k, v in want.items()) for r in nodes):
        need = ", ".join(f"{v:g} {k}" for k, v in want.items())
        most = max((r.get("CPU", 0) for r in nodes), default=0)
        raise ValueError(
            f"no node of the Ray cluster can hold one task ({need}; threads={threads}; the "
            f"largest node has {most:g} CPU): lower threads, or set ray_options "
            f"(num_cpus, resources) to what the nodes have"
        )


_REMOTE: Dict[Any, Any] = {}


def _remote(ray, fn, threads: int, max_retries: int, ray_options: Optional[Mapping[str, Any]]):
    if fn not in _REMOTE:  # exported to the cluster once per process
        _REMOTE[fn] = ray.remote(fn)
    opts: Dict[str, Any] = {"num_cpus": threads, "max_retries": max_retries, "retry_exceptions": False}
    opts.update(ray_options or {})
    return _REMOTE[fn].options(**opts)


def _gather(ray, refs: list, progress: Optional[Progress] = None) -> list:
    """The tasks' results in submission order, each fetched here as soon as it is ready (so a
    node lost later no longer holds it); ``progress(done, total)`` after each batch. On any
    error or Ctrl-C the tasks still pending are cancelled."""
    out: Dict[Any, Any] = {}
    pending = list(refs)
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            if pending:  # and whatever else is ready by now
                more, pending = ray.wait(pending, num_returns=len(pending), timeout=0)
                ready += more
            for r, v in zip(ready, ray.get(ready)):
                out[r] = v
            if progress is not None:
                progress(len(out), len(refs))
    except BaseException:
        for r in pending:
            try:
                ray.cancel(r)
            except Exception:  # finished or lost meanwhile: nothing to cancel
                pass
        raise
    return [out[r] for r in refs]


def _check_sim(sc: Scenario, runs: int, seed: int, protocol: Optional[str], cal) -> None:
    """Raises what detente.simulate raises for bad arguments (before Ray is started)."""
    _detente._dist_sim_check(_inner(sc), runs, seed, protocol, *cal)


class _Sims:
    """Simulations of several scenarios with the same settings: every chunk of every
    scenario submitted at once, then each scenario's chunks reduced."""

    def __init__(self, ray, runs, seed, chunk, threads, protocol, cal, max_retries, ray_options):
        self.ray, self.runs, self.seed, self.chunk = ray, runs, seed, chunk
        self.threads, self.protocol = threads, protocol
        self.params, self.params_name = cal
        _check_fits(ray, threads, ray_options)
        self.task = _remote(ray, _chunk_task, threads, max_retries, ray_options)
        self.jobs: List[Tuple[Scenario, list]] = []

    def submit(self, sc: Scenario) -> None:
        chunk = self.chunk
        if chunk is None:
            cpus = int(self.ray.cluster_resources().get("CPU", 1))
            chunk = default_chunk(self.runs, cpus // self.threads)
        bounds = _bounds(self.runs, chunk)
        text = self.ray.put(sc.to_toml())
        refs = [
            self.task.remote(
                text, sc.name, self.runs, self.seed, a, b, self.threads,
                self.protocol, self.params, self.params_name,
            )
            for a, b in bounds
        ]
        self.jobs.append((sc, refs))

    def results(self, progress: Optional[Progress]) -> List[SimulationResult]:
        blobs = _gather(self.ray, [r for _, refs in self.jobs for r in refs], progress)
        out, k = [], 0
        for sc, refs in self.jobs:
            mine, k = blobs[k : k + len(refs)], k + len(refs)
            doc = _detente._dist_sim_reduce(
                _inner(sc), mine, self.runs, self.seed, self.protocol, self.params, self.params_name
            )
            out.append(SimulationResult(json.loads(doc)))
        return out


def simulate(
    sc: Scenario,
    runs: int = 10_000,
    seed: int = 1,
    address: Optional[str] = None,
    chunk: Optional[int] = None,
    *,
    threads: int = 1,
    protocol: Optional[str] = None,
    params: Optional[PathLike] = None,
    max_retries: int = 3,
    ray_options: Optional[Mapping[str, Any]] = None,
    progress: Optional[Progress] = None,
) -> SimulationResult:
    """:func:`detente.simulate` on Ray. Runs ``0..runs`` are split into chunks of ``chunk``
    runs (default: :func:`default_chunk`), each one Ray task asking for ``threads`` CPUs; the
    chunks are checked and reduced in run order. The result is the document
    ``detente.simulate(sc, runs, seed, protocol=protocol, params=params)`` returns, bit for
    bit, whatever the chunking, the cluster, or the tasks Ray had to run again.

    ``address``: ``None`` a local Ray, ``"auto"``, ``"ray://…"`` or ``"host:port"`` an
    existing cluster (an initialised Ray is used as it is; see the module documentation).
    ``max_retries``: how often Ray reruns a task whose worker or node died. ``ray_options``:
    more Ray options for every task. ``progress(done, total)`` is called as tasks finish.

    Raises what :func:`detente.simulate` raises for bad arguments (``ValueError``,
    :class:`detente.ScenarioError`, ``OSError`` for ``params``) before any task is sent, and
    Ray's error for a task that failed for good (the other tasks are cancelled)."""
    threads = _check_threads(threads)
    if chunk is not None:
        _bounds(1, chunk)
    cal = _read_params(params)
    _check_sim(sc, runs, seed, protocol, cal)
    ray = _connect(address)
    sims = _Sims(ray, runs, seed, chunk, threads, protocol, cal, max_retries, ray_options)
    sims.submit(sc)
    return sims.results(progress)[0]


def _grid(grid: Mapping[str, Any]) -> Tuple[Dict[str, List[Any]], List[Dict[str, Any]]]:
    """The axes (path → values; a lone value is an axis of one) and every combination, the
    last path varying fastest."""
    axes: Dict[str, List[Any]] = {}
    for path, v in grid.items():
        if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
            v = [v]
        axes[path] = list(v)
    return axes, [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())]


def sweep(
    sc: Scenario,
    grid: Mapping[str, Union[Sequence[Any], Any]],
    runs: int = 2000,
    seed: int = 1,
    address: Optional[str] = None,
    chunk: Optional[int] = None,
    *,
    threads: int = 1,
    protocol: Optional[str] = None,
    params: Optional[PathLike] = None,
    max_retries: int = 3,
    ray_options: Optional[Mapping[str, Any]] = None,
    progress: Optional[Progress] = None,
) -> SweepResult:
    """Simulates every point of a grid of what-ifs on Ray. ``grid`` maps ``--set`` paths to the
    values to try::

        distributed.sweep(sc, {"actors.iran.capability": [0.2, 0.3, 0.4],
                               "events.military_strike.probability": [0.1, 0.5]}, runs=5000)

    The points are every combination (here 6), the last path varying fastest. Point ``{path:
    value, …}`` is ``sc.with_set({path: value, …})`` simulated with ``runs`` runs and the same
    ``seed`` for every point (common random numbers, so differences between points are not
    noise of different draws); its result equals ``detente.simulate(sc.with_set(point), runs,
    seed, …)`` bit for bit. Every point is built and checked (``with_set`` raises for a bad
    path or value) before any task is sent; then the chunks of every point are submitted at
    once. Returns a :class:`SweepResult` (``to_pandas()``: one row per point). Other arguments
    as in :func:`simulate`."""
    threads = _check_threads(threads)
    if chunk is not None:
        _bounds(1, chunk)
    axes, points = _grid(grid)
    variants = [sc.with_set(p) for p in points]
    cal = _read_params(params)
    for v in variants:
        _check_sim(v, runs, seed, protocol, cal)
    ray = _connect(address)
    sims = _Sims(ray, runs, seed, chunk, threads, protocol, cal, max_retries, ray_options)
    for v in variants:
        sims.submit(v)
    results = sims.results(progress)
    return SweepResult(
        {
            "runs": runs,
            "seed": seed,
            "grid": axes,
            "points": [{"set": p, "result": r} for p, r in zip(points, results)],
        }
    )


def backtest(
    dir: PathLike = "cases",
    runs: int = 2000,
    seed: int = 1,
    address: Optional[str] = None,
    *,
    threads: int = 1,
    params: Optional[PathLike] = None,
    max_retries: int = 3,
    ray_options: Optional[Mapping[str, Any]] = None,
    progress: Optional[Progress] = None,
) -> BacktestResult:
    """:func:`detente.backtest` on Ray, one task per case. The cases are read and checked here
    (the same errors as ``detente.backtest``); each task gets the bytes of its case's
    ``scenario.toml`` and ``outcome.toml`` and the calibration's text, and scores the case as
    ``detente.backtest`` does (held-out parameters, simulation, models, baselines); the summary
    is computed here over the cases in folder order after checking that every score is for its
    case, run count, seed and calibration. The result equals ``detente.backtest(dir, runs,
    seed, params=params)`` bit for bit. Other arguments as in :func:`simulate`."""
    threads = _check_threads(threads)
    params_text, params_name = _read_params(params)
    plan = _detente._dist_backtest_plan(os.fspath(dir), runs, seed, params_text, params_name)
    ray = _connect(address)
    _check_fits(ray, threads, ray_options)
    task = _remote(ray, _case_task, threads, max_retries, ray_options)
    refs = [
        task.remote(id, scen, scen_name, out, out_name, runs, seed, threads, params_text, params_name)
        for id, _key, scen, scen_name, out, out_name in plan
    ]
    scores = _gather(ray, refs, progress)
    doc = _detente._dist_backtest_reduce([p[1] for p in plan], scores, seed)
    return BacktestResult(json.loads(doc))
