"""Shared pieces of the extraction tests: the corpus tallies and their end-of-run summary."""
from __future__ import annotations

from collections import Counter

import pytest

CORPUS_OUTCOMES = pytest.StashKey[Counter]()
CORPUS_CHECKS = pytest.StashKey[Counter]()


@pytest.fixture(scope="session")
def corpus_outcomes(request: pytest.FixtureRequest) -> Counter:
    """Count corpus outcomes by (category, status) for the end-of-run summary."""
    return request.config.stash.setdefault(CORPUS_OUTCOMES, Counter())


@pytest.fixture(scope="session")
def corpus_checks(request: pytest.FixtureRequest) -> Counter:
    """Count the MANIFEST expectations that were asserted, by kind."""
    return request.config.stash.setdefault(CORPUS_CHECKS, Counter())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    outcomes = config.stash.get(CORPUS_OUTCOMES, None)
    if not outcomes:
        return
    terminalreporter.section("corpus outcomes (category: status)")
    for (category, status), count in sorted(outcomes.items()):
        terminalreporter.write_line(f"{count:5d}  {category}: {status}")
    totals: Counter = Counter()
    for (_category, status), count in outcomes.items():
        totals[status] += count
    terminalreporter.write_line("total: " + ", ".join(f"{status} {count}" for status, count in sorted(totals.items())))
    checks = config.stash.get(CORPUS_CHECKS, Counter())
    terminalreporter.write_line(
        "expectations asserted: " + ", ".join(f"{kind} {count}" for kind, count in sorted(checks.items()))
    )
