"""Quick local latency check, not a test: python -m tests.search_index.perf_check [COUNT] [INDEX_DIR].

Builds COUNT synthetic office documents (300-800 words) unless INDEX_DIR already holds an
index, then prints p50/p95 latencies of typical searches. The real benchmark lives elsewhere.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from search_index import SearchIndex, SearchRequest
from tests.search_index.factories import OFFICE_WORDS, synthetic_corpus

ARCHIVIST = ("role:arsiparis",)


def _cases(rng: random.Random) -> dict[str, Callable[[], SearchRequest]]:
    words = OFFICE_WORDS[:150]

    def word() -> str:
        return rng.choice(words)

    def unit_user() -> tuple[str, ...]:
        return (f"unit:{rng.randrange(40)}", f"user:{rng.randrange(2000)}")

    return {
        "one word, unit user": lambda: SearchRequest(q=word(), principals=unit_user()),
        "one word, archivist": lambda: SearchRequest(q=word(), principals=ARCHIVIST),
        "two words, unit user": lambda: SearchRequest(q=f"{word()} {word()}", principals=unit_user()),
        "two words, archivist": lambda: SearchRequest(q=f"{word()} {word()}", principals=ARCHIVIST),
        "two words OR, archivist": lambda: SearchRequest(q=f"{word()} OR {word()}", principals=ARCHIVIST),
        "phrase, archivist": lambda: SearchRequest(q=f'"{word()} {word()}"', principals=ARCHIVIST),
        "one word + facets, archivist": lambda: SearchRequest(q=word(), principals=ARCHIVIST, facets=True),
        "one word newest, archivist": lambda: SearchRequest(q=word(), principals=ARCHIVIST, sort="newest"),
        "browse page 3, archivist": lambda: SearchRequest(q="", principals=ARCHIVIST, page=3),
        "typo, archivist": lambda: SearchRequest(q="kearsipn pegawaii", principals=ARCHIVIST),
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(count: int, directory: Path, rounds: int = 200) -> None:
    """Build (if needed) and query an index of `count` synthetic documents; print latencies in ms."""
    index = SearchIndex(directory)
    if not (directory / "current").exists():
        started = time.perf_counter()
        index.rebuild(synthetic_corpus(count))
        print(f"rebuild of {count} documents: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    index.search(SearchRequest(q="surat", principals=ARCHIVIST))
    print(f"first search (opens the index, builds the stemmer): {(time.perf_counter() - started) * 1000:.0f} ms")
    rng = random.Random(1)
    for name, make in _cases(rng).items():
        timings = []
        for _ in range(rounds):
            request = make()
            t0 = time.perf_counter()
            index.search(request)
            timings.append((time.perf_counter() - t0) * 1000)
        print(f"{name:30s} p50 {statistics.median(timings):6.1f} ms   p95 {_percentile(timings, 0.95):6.1f} ms")
    timings = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        index.suggest(rng.choice(OFFICE_WORDS[:150])[:3], ARCHIVIST)
        timings.append((time.perf_counter() - t0) * 1000)
    print(f"{'autocomplete, archivist':30s} p50 {statistics.median(timings):6.1f} ms   p95 {_percentile(timings, 0.95):6.1f} ms")
    index.close()


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    if len(sys.argv) > 2:
        main(size, Path(sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(size, Path(tmp))
