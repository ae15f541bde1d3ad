"""Result types: plain dicts (exactly the CLI's ``--json`` documents) with attribute access
and ``to_pandas()``."""

from __future__ import annotations

from typing import Any, Dict, Optional

CLASSES = ("deal", "interim", "stalemate", "breakdown")
_MODEL_ORDER = ("mean", "median", "nash", "bdm", "smp")


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_pandas() needs pandas, an optional dependency of detente: "
            "pip install pandas (or pip install 'detente[pandas]')"
        ) from e
    return pandas


class Result(dict):
    """A result document: a ``dict`` equal to ``detente <command> --json`` for the same inputs
    and seed, whose top-level keys can also be read as attributes (``r.outcomes``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no field {name!r} (fields: {', '.join(self)})"
            ) from None

    def __dir__(self):
        return list(super().__dir__()) + list(self.keys())

    def to_dict(self) -> Dict[str, Any]:
        """The plain JSON-compatible dict."""
        return dict(self)

    def _tables(self) -> Dict[str, Any]:
        raise NotImplementedError

    def to_pandas(self, table: Optional[str] = None):
        """DataFrames of this result: the one named ``table``, or a dict of all of them."""
        tables = self._tables()
        if table is None:
            return tables
        try:
            return tables[table]
        except KeyError:
            raise ValueError(f"unknown table {table!r}; expected one of: {', '.join(tables)}") from None


class SimulationResult(Result):
    """``detente simulate --json``: outcome shares with 95 % intervals, calibrated
    probabilities, cumulative outcomes by round, breakdown causes, settled values."""

    def _tables(self):
        pd = _pandas()
        outcomes = pd.DataFrame(
            [
                {
                    "outcome": c,
                    "p": o["p"],
                    "ci_low": o["ci"][0],
                    "ci_high": o["ci"][1],
                    "count": o["count"],
                    "calibrated": self["calibrated"].get(c),
                }
                for c, o in self["outcomes"].items()
            ]
        ).set_index("outcome")
        by_round = pd.DataFrame(self["by_round"], columns=["round", *CLASSES]).set_index("round")
        causes = pd.DataFrame(
            [
                {"cause": k, "p": v["p"], "ci_low": v["ci"][0], "ci_high": v["ci"][1], "mean_round": v["mean_round"]}
                for k, v in self["causes"].items()
            ],
            columns=["cause", "p", "ci_low", "ci_high", "mean_round"],
        ).set_index("cause")
        issues = pd.DataFrame.from_dict(self["issues"], orient="index")
        issues.index.name = "issue"
        return {"outcomes": outcomes, "by_round": by_round, "causes": causes, "issues": issues}

    def to_pandas(self, table: Optional[str] = None):
        """DataFrames: ``outcomes`` (one row per class), ``by_round`` (cumulative shares per
        round), ``causes`` (why talks broke down), ``issues`` (settled values); the one named
        ``table``, or a dict of all four."""
        return super().to_pandas(table)


class ForecastResult(Result):
    """``detente forecast --json``: per issue, each model's outcome (BDM and SMP with their
    rounds) and the ensemble."""

    def _tables(self):
        pd = _pandas()
        rows, rounds = [], []
        for issue in self["issues"]:
            for model, v in issue["models"].items():
                rows.append(
                    {
                        "issue": issue["id"],
                        "model": model,
                        "outcome": v["outcome"],
                        "outcome_label": v.get("outcome_label"),
                        "status_quo": issue["status_quo"],
                        "ensemble": issue["ensemble"],
                    }
                )
                for r in v.get("rounds", []):
                    for actor, x in r["positions"].items():
                        rounds.append(
                            {
                                "issue": issue["id"],
                                "model": model,
                                "round": r["round"],
                                "forecast": r["forecast"],
                                "actor": actor,
                                "position": x,
                            }
                        )
        models = pd.DataFrame(rows, columns=["issue", "model", "outcome", "outcome_label", "status_quo", "ensemble"])
        if models["outcome_label"].isna().all():
            models = models.drop(columns="outcome_label")
        ids = [i["id"] for i in self["issues"]]
        present = list(self["issues"][0]["models"]) if self["issues"] else []
        order = [m for m in _MODEL_ORDER if m in present] + [m for m in present if m not in _MODEL_ORDER]
        outcomes = models.pivot(index="issue", columns="model", values="outcome").reindex(index=ids, columns=order)
        outcomes["ensemble"] = [i["ensemble"] for i in self["issues"]]
        outcomes.columns.name = "model"
        positions = pd.DataFrame(rounds, columns=["issue", "model", "round", "forecast", "actor", "position"])
        return {"outcomes": outcomes, "models": models, "rounds": positions}

    def to_pandas(self, table: Optional[str] = "outcomes"):
        """DataFrames: ``outcomes`` (issue × model, plus the ensemble; the default), ``models``
        (long form, one row per issue and model), ``rounds`` (BDM's and SMP's positions round by
        round); ``table=None`` gives a dict of all three."""
        return super().to_pandas(table)


class SensitivityResult(Result):
    """``detente sensitivity --json``: the tornado, factors ranked by effect."""

    def _tables(self):
        pd = _pandas()
        return {"factors": pd.DataFrame(self["factors"]).set_index("input") if self["factors"] else pd.DataFrame()}

    def to_pandas(self, table: Optional[str] = "factors"):
        """DataFrame of the factors (one row per input, largest effect first)."""
        return super().to_pandas(table)


class BacktestResult(Result):
    """``detente backtest --json``: each case's probabilities and scores, and the summary."""

    def _tables(self):
        pd = _pandas()
        cases = pd.DataFrame(
            [
                {
                    "case": c["id"],
                    **{f"p_{k}": v for k, v in c["p"].items()},
                    **{f"share_{k}": v for k, v in c["shares"].items()},
                    "actual": c["actual"],
                    "brier": c["brier"],
                    "log_score": c["log_score"],
                    "params": c["params"],
                }
                for c in self["cases"]
            ]
        ).set_index("case")
        issues = pd.DataFrame(
            [
                {
                    "case": c["id"],
                    "issue": i["id"],
                    "status": i["status"],
                    "actual": i["actual"],
                    "model": m,
                    "value": p["value"],
                    "error_pct": p["error_pct"],
                }
                for c in self["cases"]
                for i in c["issues"]
                for m, p in i["predictions"].items()
            ],
            columns=["case", "issue", "status", "actual", "model", "value", "error_pct"],
        )
        return {"cases": cases, "issues": issues}

    def to_pandas(self, table: Optional[str] = None):
        """DataFrames: ``cases`` (probabilities, actual outcome, scores) and ``issues`` (each
        model's settled-value prediction and error); the one named ``table``, or both."""
        return super().to_pandas(table)


class AnalysisResult(Result):
    """``detente analyze --json``: outcome space, Pareto frontier, bargaining solutions, ZOPA,
    logrolls."""

    def _tables(self):
        pd = _pandas()
        pareto = pd.DataFrame(
            [{**{f"u_{k}": v for k, v in p["utilities"].items()}, **p["outcome"]} for p in self["pareto"]["points"]]
        )
        return {"pareto": pareto}

    def to_pandas(self, table: Optional[str] = "pareto"):
        """DataFrame of the Pareto frontier (each party's utility, then the outcome)."""
        return super().to_pandas(table)


class NegotiationResult(Result):
    """``detente negotiate --json``: the agreement (or None), utilities, rounds and the trace."""

    def _tables(self):
        pd = _pandas()
        trace = pd.DataFrame(
            [{k: v for k, v in m.items() if k != "outcome"} | (m["outcome"] or {}) for m in self["trace"]]
        )
        return {"trace": trace}

    def to_pandas(self, table: Optional[str] = "trace"):
        """DataFrame of the message trace (round, from, to, kind, then the outcome's issues)."""
        return super().to_pandas(table)


class SweepResult(Result):
    """The result of :func:`detente.distributed.sweep`: ``runs``, ``seed``, ``grid`` (each
    ``--set`` path with the values tried) and ``points``, one per combination in order, each
    ``{"set": {path: value, …}, "result": SimulationResult}`` (the ``detente simulate --json``
    document of that variant)."""

    def _tables(self):
        pd = _pandas()
        paths = list(self["grid"])
        rows, issues = [], []
        for pt in self["points"]:
            r = pt["result"]
            row = dict(pt["set"])
            for c in CLASSES:
                o = r["outcomes"][c]
                row[f"p_{c}"] = o["p"]
                row[f"ci_low_{c}"] = o["ci"][0]
                row[f"ci_high_{c}"] = o["ci"][1]
                row[f"calibrated_{c}"] = r["calibrated"][c]
            row["mean_rounds"] = r["mean_rounds"]
            row["runs_for_1pct"] = r["runs_for_1pct"]
            rows.append(row)
            for issue, st in r["issues"].items():
                issues.append(
                    {**pt["set"], "issue": issue, "n": st["n"], "mean": st["mean"], "p10": st["p10"], "p90": st["p90"]}
                )
        stats = [f"{k}_{c}" for c in CLASSES for k in ("p", "ci_low", "ci_high", "calibrated")]
        points = pd.DataFrame(rows, columns=[*paths, *stats, "mean_rounds", "runs_for_1pct"])
        if paths:
            points = points.set_index(paths)
        issues = pd.DataFrame(issues, columns=[*paths, "issue", "n", "mean", "p10", "p90"])
        return {"points": points, "issues": issues}

    def to_pandas(self, table: Optional[str] = None):
        """DataFrames: ``points`` (one row per grid point, indexed by the grid's paths: for each
        class ``p_*``, ``ci_low_*``, ``ci_high_*``, ``calibrated_*``, then ``mean_rounds`` and
        ``runs_for_1pct``) and ``issues`` (long form: the point's values, the issue, the runs
        that settled it ``n``, ``mean``, ``p10``, ``p90``); the one named ``table``, or both."""
        return super().to_pandas(table)
