"""Type stubs of the native module ``detente._detente`` (use the ``detente`` package instead).

Every ``*_json`` function returns the text of the CLI's ``--json`` document."""

from typing import Any, Dict, List, Optional

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
    sc: Scenario, path: str, format: str = "html", runs: int = 2000, seed: int = 1, sensitivity_runs: int = 0
) -> None: ...
