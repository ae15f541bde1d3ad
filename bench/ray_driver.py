"""Chunked distributed simulate (detente.distributed on Ray) against the single process.

Run by bench/ray.sh (which builds the package into a venv with Ray). Prints markdown tables:

1. single process: detente.simulate(muscat, RUNS) on 1 and 2 threads;
2. per cluster shape (Ray local clusters from ray.cluster_utils: a head with no CPU for tasks,
   plus worker nodes), distributed.simulate(muscat, RUNS) with the default chunking, its
   throughput, and the result checked equal to the single process's;
3. per-task overhead: OVERHEAD_TASKS tasks of one run each (wall time per task, and the same
   less the run itself), and chunks of 250 runs;
4. the driver's own time per task: submitting, and fetching finished results;
5. the driver's reduce: checking and summarising RUNS runs from their chunk bytes.

Every figure is the min and median of REPS repetitions (wall clock, time.perf_counter).
"""

import argparse
import json
import platform
import statistics
import sys
import time

import ray
from ray.cluster_utils import Cluster

import detente
from detente import _detente, distributed

MB = 2**20


def timed(fn, reps):
    out, value = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        value = fn()
        out.append(time.perf_counter() - t0)
    return min(out), statistics.median(out), value


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def driver_costs(sc, n, reps):
    """The driver's time to submit n one-run chunk tasks, and to fetch n finished results
    (distributed._gather on tasks already done), min and median."""
    task = distributed._remote(ray, distributed._chunk_task, 1, 3, None)
    text = ray.put(sc.to_toml())
    sub, fetch = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        refs = [task.remote(text, "muscat", n, 1, k, k + 1, 1, None, None, "") for k in range(n)]
        sub.append(time.perf_counter() - t0)
        ray.wait(refs, num_returns=n, fetch_local=False)
        t0 = time.perf_counter()
        distributed._gather(ray, refs)
        fetch.append(time.perf_counter() - t0)
    return min(sub), statistics.median(sub), min(fetch), statistics.median(fetch)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--overhead-tasks", type=int, default=300)
    a = ap.parse_args()
    sc = detente.load("muscat-2026")
    print(f"python {platform.python_version()}, ray {ray.__version__}, {platform.machine()}, "
          f"runs={a.runs}, reps={a.reps}, seed 1, scenario muscat-2026\n")

    print("## single process (detente.simulate)\n")
    row("threads", "min s", "median s", "runs/s (median)")
    row("---:", "---:", "---:", "---:")
    single = {}
    for threads in (1, 2):
        mn, md, r = timed(lambda: detente.simulate(sc, runs=a.runs, seed=1, threads=threads), a.reps)
        single[threads] = (mn, md)
        row(threads, f"{mn:.2f}", f"{md:.2f}", f"{a.runs / md:,.0f}")
    expected = r
    per_run_1 = single[1][0] / a.runs  # best single-thread time per run

    shapes = [("1 worker node × 1 CPU", [1]), ("2 worker nodes × 1 CPU", [1, 1]), ("1 worker node × 2 CPUs", [2])]
    results = []
    for name, cpus in shapes:
        t0 = time.perf_counter()
        c = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "object_store_memory": 100 * MB, "include_dashboard": False})
        for n in cpus:
            c.add_node(num_cpus=n, object_store_memory=100 * MB)
        c.wait_for_nodes()
        ray.init(address=c.address, log_to_driver=False, logging_level="warning")
        start = time.perf_counter() - t0
        t0 = time.perf_counter()
        distributed.simulate(sc, runs=sum(cpus) * 50, seed=1, chunk=50)  # starts the workers
        warm = time.perf_counter() - t0
        slots = sum(cpus)
        chunk = distributed.default_chunk(a.runs, slots)
        mn, md, r = timed(lambda: distributed.simulate(sc, runs=a.runs, seed=1), a.reps)
        assert r == expected, "distributed result differs from the single process"
        n = a.overhead_tasks
        omn, omd, r1 = timed(lambda: distributed.simulate(sc, runs=n, seed=1, chunk=1), a.reps)
        assert r1 == detente.simulate(sc, runs=n, seed=1)
        cmn, cmd, _ = timed(lambda: distributed.simulate(sc, runs=a.runs, seed=1, chunk=250), a.reps)
        results.append((name, slots, start, warm, chunk, mn, md, omn, omd, cmn, cmd))
        if name.startswith("2 worker nodes"):
            driver = driver_costs(sc, n, a.reps)
        ray.shutdown()
        c.shutdown()

    print(f"\n## distributed.simulate, {a.runs} runs (head node runs no tasks; results equal the single process's)\n")
    row("cluster", "start s", "first call s", "chunk (tasks)", "min s", "median s", "runs/s (median)", "vs 1 thread (median)")
    row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:")
    for name, slots, start, warm, chunk, mn, md, *_ in results:
        tasks = -(-a.runs // chunk)
        row(name, f"{start:.1f}", f"{warm:.1f}", f"{chunk} ({tasks})", f"{mn:.2f}", f"{md:.2f}",
            f"{a.runs / md:,.0f}", f"{single[1][1] / md:.2f}×")

    print(f"\n## per-task overhead: {a.overhead_tasks} tasks of 1 run; {a.runs} runs in chunks of 250\n")
    row("cluster", "1-run tasks: ms/task min", "median", "less the run, × slots (ms)", "chunk 250: min s", "median s", "runs/s (median)")
    row("---", "---:", "---:", "---:", "---:", "---:", "---:")
    for name, slots, start, warm, chunk, mn, md, omn, omd, cmn, cmd in results:
        n = a.overhead_tasks
        per = omd / n * 1000
        cost = (omd * slots / n - per_run_1) * 1000  # what one task costs a slot, beyond its run
        row(name, f"{omn / n * 1000:.2f}", f"{per:.2f}", f"{cost:.1f}", f"{cmn:.2f}", f"{cmd:.2f}", f"{a.runs / cmd:,.0f}")

    print(f"\n## the driver's own time per task (2 worker nodes, {a.overhead_tasks} tasks of 1 run)\n")
    row("submit ms/task min", "median", "fetch finished ms/task min", "median")
    row("---:", "---:", "---:", "---:")
    row(*(f"{x * 1000 / a.overhead_tasks:.3f}" for x in driver))

    print(f"\n## the driver's reduce ({a.runs} runs)\n")
    inner = sc._inner
    blobs = [_detente._dist_sim_chunk(inner, a.runs, 1, s, min(s + 2000, a.runs), 2) for s in range(0, a.runs, 2000)]
    size = sum(len(b) for b in blobs)
    rmn, rmd, doc = timed(lambda: _detente._dist_sim_reduce(inner, blobs, a.runs, 1), a.reps)
    assert json.loads(doc) == expected
    row("chunk bytes", "bytes/run", "reduce min s", "reduce median s")
    row("---:", "---:", "---:", "---:")
    row(f"{size:,}", f"{size / a.runs:.0f}", f"{rmn:.3f}", f"{rmd:.3f}")
    print(f"\nsingle-thread time per run (best): {per_run_1 * 1000:.3f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
