"""NegMAS side of bench/negotiate.sh: times NegMAS 0.16.0 on the same tasks as detente's
`negotiate_bench` example and prints one JSON object. Also writes the generated domains (as
JSON) so that detente runs on exactly the same numbers."""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from negmas.inout import Scenario
from negmas.outcomes import make_issue, make_os
from negmas.preferences import LinearAdditiveUtilityFunction, nash_points, pareto_frontier
from negmas.preferences.value_fun import TableFun
from negmas.sao import SAOMechanism
from negmas.gb.negotiators.timebased import BoulwareTBNegotiator, ConcederTBNegotiator

DOMAINS = ["LaptopA", "RentalHouseC", "IntegerDomain", "ItexvsCypress", "EnglandZimbabwe",
           "AmsterdamB", "SmartPhone", "Travel"]


def median_time(f, reps):
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def pareto_nash(s):
    fu, fi = pareto_frontier(s.ufuns, issues=s.outcome_space.issues)
    nash_points(s.ufuns, fu, outcome_space=s.outcome_space)
    return len(fu)


def sao(s):
    m = SAOMechanism(outcome_space=s.outcome_space, n_steps=100)
    m.add(BoulwareTBNegotiator(), ufun=s.ufuns[0])
    m.add(ConcederTBNegotiator(), ufun=s.ufuns[1])
    st = m.run()
    return st.step, st.agreement is not None


def generated(n_issues, n_values, n_parties, seed):
    """Random linear-additive domain: weights and value tables uniform in [0, 1)."""
    rng = np.random.default_rng(seed)
    weights = rng.random((n_parties, n_issues))
    weights /= weights.sum(axis=1, keepdims=True)
    tables = rng.random((n_parties, n_issues, n_values))
    return {"n_issues": n_issues, "n_values": n_values, "weights": weights.tolist(),
            "tables": tables.tolist()}


def negmas_generated(g):
    issues = [make_issue(g["n_values"], f"i{k}") for k in range(g["n_issues"])]
    os_ = make_os(issues)
    ufuns = []
    for w, t in zip(g["weights"], g["tables"]):
        values = [TableFun({v: t[k][v] for v in range(g["n_values"])}) for k in range(g["n_issues"])]
        ufuns.append(LinearAdditiveUtilityFunction(values=values, weights=w, outcome_space=os_,
                                                   reserved_value=0.0))
    return issues, ufuns


def main():
    data, out_dir, reps = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    res = {"pareto_nash": {}, "sao": {}, "million": {}, "many_parties": {}}
    for name in DOMAINS:
        s = Scenario.from_genius_folder(data / name, ignore_discount=True, ignore_reserved=False)
        r = 1 if name == "Travel" else reps
        t, size = median_time(lambda: pareto_nash(s), r)
        res["pareto_nash"][name] = {"median_s": t, "runs": r, "pareto_size": size}
        print(f"negmas pareto+nash {name}: {t*1e3:.2f} ms", file=sys.stderr)
    for name in ["LaptopA", "ItexvsCypress"]:
        s = Scenario.from_genius_folder(data / name, ignore_discount=True, ignore_reserved=False)
        t, (steps, agreed) = median_time(lambda: sao(s), reps)
        res["sao"][name] = {"median_s": t, "steps": steps, "agreement": agreed}
        print(f"negmas sao {name}: {t*1e3:.2f} ms", file=sys.stderr)
    g = generated(3, 100, 2, 42)
    (out_dir / "gen_million.json").write_text(json.dumps(g))
    issues, ufuns = negmas_generated(g)
    t, size = median_time(lambda: len(pareto_frontier(ufuns, issues=issues)[0]), 1)
    res["million"] = {"outcomes": 100 ** 3, "median_s": t, "runs": 1, "pareto_size": size}
    print(f"negmas 1M pareto: {t:.2f} s ({size} points)", file=sys.stderr)
    for n_values in [10, 20]:
        g = generated(3, n_values, 100, 7)
        (out_dir / f"gen_parties_{n_values}.json").write_text(json.dumps(g))
        issues, ufuns = negmas_generated(g)
        t, size = median_time(lambda: len(pareto_frontier(ufuns, issues=issues)[0]), 1)
        res["many_parties"][str(n_values ** 3)] = {"parties": 100, "outcomes": n_values ** 3,
                                                    "median_s": t, "pareto_size": size}
        print(f"negmas 100-party pareto {n_values**3} outcomes: {t:.2f} s", file=sys.stderr)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
