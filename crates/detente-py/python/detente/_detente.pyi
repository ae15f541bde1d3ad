"""Type stubs of the native module ``detente._detente`` (use the ``detente`` package instead).

Every ``*_json`` function returns the text of the CLI's ``--json`` document."""

from typing import Any, Dict, List, Optional, Tuple

MODELS: List[str]

class Scenario:
    """A validated scenario (built by :func:`load`)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def actors(self) -> List[str]: ...
    @property
    def issues(self) -> List[str]: ...
    @property
    def warnings(self) -> List[Dict[str, Any]]: ...
    def to_toml(self) -> str: ...
    def _with_sets(self, sets: List[str]) -> "Scenario": ...
    def _with_overlay(self, text: str, name: str) -> "Scenario": ...

def builtins() -> List[str]: ...
def load(source: str, format: Optional[str] = None) -> Scenario: ...
def forecast_json(
    sc: Scenario, models: List[str], rounds: Optional[int] = None, bdm_variant: str = "corrected"
) -> str: ...
def analyze_json(sc: Scenario, steps: int = 11) -> str: ...
def negotiate_json(
    sc: Scenario,
    protocol: Optional[str] = None,
    strategies: Dict[str, str] = ...,
    rounds: Optional[int] = None,
    seed: int = 0,
    direct_from: Optional[int] = None,
    steps: int = 11,
) -> str: ...
def simulate_json(
    sc: Scenario,
    runs: int = 10000,
    seed: int = 1,
    threads: Optional[int] = None,
    protocol: Optional[str] = None,
    params: Optional[str] = None,
) -> str: ...
def sensitivity_json(
    sc: Scenario,
    runs: int = 200,
    seed: int = 1,
    threads: Optional[int] = None,
    protocol: Optional[str] = None,
    params: Optional[str] = None,
) -> str: ...
def backtest_json(
    dir: str, runs: int = 2000, seed: int = 1, threads: Optional[int] = None, params: Optional[str] = None
) -> str: ...
def report_file(
    sc: Scenario,
    path: str,
    format: str = "html",
    runs: int = 2000,
    seed: int = 1,
    sensitivity_runs: int = 0,
    compare: Optional[str] = None,
) -> None: ...
def backtest_report_file(
    dir: str, path: str, format: str = "html", runs: int = 2000, seed: int = 1, params: Optional[str] = None
) -> None: ...

# detente.distributed's native half (private: call detente.distributed instead). Chunks and case
# scores are exact bytes (every f64 by its bits) with a fingerprint or key and a checksum.

def _dist_scenario_from_toml(text: str, name: str) -> Scenario:
    """A scenario from its TOML text (how scenarios travel to Ray workers)."""

def _dist_sim_check(
    sc: Scenario, runs: int, seed: int, protocol: Optional[str] = None, params: Optional[str] = None, params_name: str = ""
) -> str:
    """Checks the arguments as simulate_json does; returns the chunks' fingerprint (hex)."""

def _dist_sim_chunk(
    sc: Scenario,
    runs: int,
    seed: int,
    start: int,
    end: int,
    threads: Optional[int] = None,
    protocol: Optional[str] = None,
    params: Optional[str] = None,
    params_name: str = "",
) -> bytes:
    """Runs start..end of a simulation of ``runs`` runs (``params``: a calibration's text)."""

def _dist_sim_reduce(
    sc: Scenario,
    chunks: List[bytes],
    runs: int,
    seed: int,
    protocol: Optional[str] = None,
    params: Optional[str] = None,
    params_name: str = "",
) -> str:
    """The simulate --json text of the chunks (checked, in run order); ValueError if they do
    not make this simulation."""

def _dist_backtest_plan(
    dir: str, runs: int, seed: int, params: Optional[str] = None, params_name: str = ""
) -> List[Tuple[str, str, bytes, str, bytes, str]]:
    """Per case in folder order: (id, key, scenario bytes, scenario file, outcome bytes,
    outcome file)."""

def _dist_backtest_case(
    id: str,
    scenario: bytes,
    scenario_name: str,
    outcome: bytes,
    outcome_name: str,
    runs: int,
    seed: int,
    threads: Optional[int] = None,
    params: Optional[str] = None,
    params_name: str = "",
) -> bytes:
    """One case's score with its key."""

def _dist_backtest_reduce(keys: List[str], scores: List[bytes], seed: int) -> str:
    """The backtest --json text of the case scores (checked against the plan's keys)."""
