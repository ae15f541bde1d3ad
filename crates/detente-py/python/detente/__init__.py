"""detente: model, forecast, analyse, negotiate and simulate mediated multi-party negotiations.

A thin Python layer over detente's Rust engines (nothing is re-implemented here). Every result
is a plain ``dict`` equal to the CLI's ``--json`` document for the same inputs and seed, with
attribute access to its top-level keys and ``to_pandas()`` (pandas is an optional extra)::

    import detente
    sc = detente.load("muscat-2026")
    detente.forecast(sc).to_pandas()
    r = detente.simulate(sc, runs=1000, seed=7)
    r.outcomes["deal"]["p"]

Long computations release the GIL and can be interrupted with Ctrl-C (``KeyboardInterrupt``).
The big jobs scale out on Ray with :mod:`detente.distributed` (``pip install 'detente[ray]'``),
with the same results bit for bit.
"""

from __future__ import annotations

import os
from typing import Iterable, Mapping, Optional, Union

from . import _detente
from ._errors import DetenteError, Problem, ScenarioError
from ._results import (
    AnalysisResult,
    BacktestResult,
    ForecastResult,
    NegotiationResult,
    Result,
    SensitivityResult,
    SimulationResult,
    SweepResult,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "DetenteError",
    "Problem",
    "load",
    "builtins",
    "forecast",
    "analyze",
    "negotiate",
    "simulate",
    "sensitivity",
    "backtest",
    "report",
    "report_backtest",
    "MODELS",
    "Result",
    "SimulationResult",
    "ForecastResult",
    "SensitivityResult",
    "BacktestResult",
    "AnalysisResult",
    "NegotiationResult",
    "SweepResult",
    "distributed",
]
__version__ = "0.1.0"

import json as _json

PathLike = Union[str, "os.PathLike[str]"]

#: Every forecasting model, in display order.
MODELS = tuple(_detente.MODELS)


class Scenario:
    """A validated scenario. Get one with :func:`load`; derive variants with
    :meth:`with_set` and :meth:`overlay` (both return a new, re-validated scenario)."""

    __slots__ = ("_inner",)

    def __init__(self, inner: "_detente.Scenario") -> None:
        self._inner = inner

    @property
    def name(self) -> str:
        """What was loaded: a file path or a built-in name."""
        return self._inner.name

    @property
    def title(self) -> str:
        """The scenario's title."""
        return self._inner.title

    @property
    def actors(self) -> list:
        """Actor ids, in scenario order."""
        return self._inner.actors

    @property
    def issues(self) -> list:
        """Issue ids, in scenario order."""
        return self._inner.issues

    @property
    def warnings(self) -> list:
        """Warnings found while loading, as :class:`Problem` values."""
        return [Problem(**w) for w in self._inner.warnings]

    def to_toml(self) -> str:
        """The scenario in detente's TOML format (reads back identical)."""
        return self._inner.to_toml()

    def with_set(self, values: Mapping[str, object]) -> "Scenario":
        """A copy with inputs overridden, like ``detente simulate --set PATH=VALUE``::

            sc.with_set({"actors.iran.capability": 0.3})

        Raises :class:`ScenarioError` if the changed scenario is invalid and ``ValueError``
        for an unknown path or a bad value."""
        sets = [f"{k}={_set_value(v)}" for k, v in values.items()]
        return Scenario(self._inner._with_sets(sets))

    def overlay(self, path: PathLike) -> "Scenario":
        """A copy patched by an overlay file (a partial scenario TOML), like ``--overlay``."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return Scenario(self._inner._with_overlay(text, path))

    def __repr__(self) -> str:
        return repr(self._inner)


def _set_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def builtins() -> list:
    """Names of the built-in scenarios (``muscat-2026``)."""
    return list(_detente.builtins())


def load(source: PathLike = "muscat-2026", format: Optional[str] = None) -> Scenario:
    """Loads and validates a scenario as the CLI does: a built-in name (default
    ``muscat-2026``), a scenario TOML, a BDM CSV, a KTAB CSV or XML, or a GENIUS folder or
    domain file, the format guessed from the extension and content unless ``format`` (toml,
    bdm, ktab, genius) is given; an imported file must validate as its TOML would.

    Raises :class:`ScenarioError` (with ``file``, ``line``, ``column``, ``field``, ``message``
    and every problem in ``problems``) when the input is invalid, ``OSError`` when it cannot
    be read."""
    return Scenario(_detente.load(os.fspath(source), format))


def _inner(sc: Scenario) -> "_detente.Scenario":
    if isinstance(sc, Scenario):
        return sc._inner
    raise TypeError(f"expected a detente.Scenario (from detente.load), got {type(sc).__name__}")


def forecast(
    sc: Scenario,
    models: Union[str, Iterable[str]] = MODELS,
    rounds: Optional[int] = None,
    bdm_variant: str = "corrected",
) -> ForecastResult:
    """Where each issue settles, per model (``mean``, ``median``, ``nash``, ``bdm``, ``smp``
    or ``"all"``), with the ensemble; like ``detente forecast --json``. Releases the GIL;
    Ctrl-C raises ``KeyboardInterrupt`` (the model running finishes in the background)."""
    if isinstance(models, str):
        models = [m.strip() for m in models.split(",")]
    return ForecastResult(
        _json.loads(_detente.forecast_json(_inner(sc), list(models), rounds, bdm_variant))
    )


def analyze(sc: Scenario, steps: int = 11) -> AnalysisResult:
    """Exact analysis of the bargaining space: Pareto frontier, Nash, Kalai–Smorodinsky,
    utilitarian and egalitarian points, ZOPA, logrolls; like ``detente analyze --json`` (a
    scenario loaded from a GENIUS folder is analysed under GENIUS's convention, as the CLI
    does)."""
    return AnalysisResult(_json.loads(_detente.analyze_json(_inner(sc), steps)))


def negotiate(
    sc: Scenario,
    protocol: Optional[str] = None,
    strategies: Optional[Mapping[str, str]] = None,
    rounds: Optional[int] = None,
    seed: int = 0,
    direct_from: Optional[int] = None,
    steps: int = 11,
) -> NegotiationResult:
    """One negotiation session (``protocol``: ``sao``, ``mediated`` or ``shuttle``; default:
    the scenario's), ``strategies`` as ``{party: name}`` (boulware, linear, conceder,
    tit-for-tat, hardliner, micro, random); like ``detente negotiate --json``."""
    return NegotiationResult(
        _json.loads(
            _detente.negotiate_json(
                _inner(sc), protocol, dict(strategies or {}), rounds, seed, direct_from, steps
            )
        )
    )


def simulate(
    sc: Scenario,
    runs: int = 10_000,
    seed: int = 1,
    threads: Optional[int] = None,
    protocol: Optional[str] = None,
    params: Optional[PathLike] = None,
) -> SimulationResult:
    """Monte Carlo over the strategic dynamics: shares of deal / interim / stalemate /
    breakdown with 95 % intervals, calibrated probabilities, outcomes by round, why talks broke
    down, settled values; like ``detente simulate --json``. The same seed gives the same result
    whatever ``threads``. Releases the GIL; Ctrl-C raises ``KeyboardInterrupt``."""
    return SimulationResult(
        _json.loads(
            _detente.simulate_json(
                _inner(sc), runs, seed, threads, protocol, _opt_path(params)
            )
        )
    )


def sensitivity(
    sc: Scenario,
    runs: int = 200,
    seed: int = 1,
    threads: Optional[int] = None,
    protocol: Optional[str] = None,
    params: Optional[PathLike] = None,
) -> SensitivityResult:
    """The tornado: which inputs move P(deal) and P(breakdown) most (``runs`` per variant);
    like ``detente sensitivity --json``. Releases the GIL; Ctrl-C raises ``KeyboardInterrupt``."""
    return SensitivityResult(
        _json.loads(
            _detente.sensitivity_json(
                _inner(sc), runs, seed, threads, protocol, _opt_path(params)
            )
        )
    )


def backtest(
    dir: PathLike = "cases",
    runs: int = 2000,
    seed: int = 1,
    threads: Optional[int] = None,
    params: Optional[PathLike] = None,
) -> BacktestResult:
    """Scores the forecasts on the historical cases in ``dir`` out of sample (Brier, log
    score, reliability, Murphy decomposition, issue errors) against baselines; like ``detente
    backtest --json``. Releases the GIL; Ctrl-C raises ``KeyboardInterrupt``."""
    return BacktestResult(
        _json.loads(
            _detente.backtest_json(os.fspath(dir), runs, seed, threads, _opt_path(params))
        )
    )


def report(
    sc: Scenario,
    path: PathLike,
    format: Optional[str] = None,
    runs: int = 2000,
    seed: int = 1,
    sensitivity_runs: int = 0,
    compare: Optional[PathLike] = None,
) -> str:
    """Writes a self-contained report page (HTML, or Markdown for ``format="md"`` or a
    ``.md`` path), the one ``detente report --runs RUNS --sensitivity-runs SENSITIVITY_RUNS
    --seed SEED [--compare COMPARE]`` writes: the summary in words, the scenario, the
    forecasts, the bargaining plane (two parties), the simulated outcomes (``runs`` futures; 0
    for none) with outcomes by round, breakdown causes, settled values and events, the what-if
    of the overlay file ``compare`` beside them, and, when ``sensitivity_runs`` > 0, the
    tornado. The page is written whole or not at all (an existing file at ``path`` is
    replaced; a symbolic link is refused: detente never writes through one). Releases the GIL; Ctrl-C raises ``KeyboardInterrupt``. Returns the path."""
    path = os.fspath(path)
    if format is None:
        format = "md" if path.endswith(".md") else "html"
    _detente.report_file(
        _inner(sc), path, format, runs, seed, sensitivity_runs, _opt_path(compare)
    )
    return path


def report_backtest(
    dir: PathLike,
    path: PathLike,
    format: Optional[str] = None,
    runs: int = 2000,
    seed: int = 1,
    params: Optional[PathLike] = None,
) -> str:
    """Writes the backtest page of the historical cases in ``dir`` (HTML, or Markdown for
    ``format="md"`` or a ``.md`` path), the one ``detente report --backtest DIR --runs RUNS
    --seed SEED [--params PARAMS]`` writes: scores against the baselines, the reliability
    diagram, case-by-case probabilities and issue errors by predictor. Written whole or not at
    all. Releases the GIL; Ctrl-C raises ``KeyboardInterrupt``. Returns the path."""
    path = os.fspath(path)
    if format is None:
        format = "md" if path.endswith(".md") else "html"
    _detente.backtest_report_file(
        os.fspath(dir), path, format, runs, seed, _opt_path(params)
    )
    return path


def _opt_path(p: Optional[PathLike]) -> Optional[str]:
    return None if p is None else os.fspath(p)


def __getattr__(name: str):
    # `detente.distributed` without importing it first; it needs Ray only when called.
    if name == "distributed":
        import importlib

        return importlib.import_module(".distributed", __name__)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")
