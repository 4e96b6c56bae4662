"""Quick local latency check (not a test): python -m tests.search_index.perf_check [count]."""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time

from search_index import SearchIndex, SearchRequest
from tests.search_index.factories import OFFICE_WORDS, synthetic_corpus


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(count: int = 5000, rounds: int = 200) -> None:
    """Build an index of `count` synthetic documents and print search latencies in ms."""
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(tmp)
        started = time.perf_counter()
        index.rebuild(synthetic_corpus(count))
        print(f"rebuild {count} docs: {time.perf_counter() - started:.1f} s")
        rng = random.Random(1)
        words = OFFICE_WORDS[:150]
        cases = {
            "one word, unit user": lambda: SearchRequest(q=rng.choice(words), principals=(f"unit:{rng.randrange(40)}", "user:1")),
            "one word, archivist": lambda: SearchRequest(q=rng.choice(words), principals=("role:arsiparis",)),
            "two words, archivist": lambda: SearchRequest(q=f"{rng.choice(words)} {rng.choice(words)}", principals=("role:arsiparis",)),
            "two words OR, archivist": lambda: SearchRequest(q=f"{rng.choice(words)} OR {rng.choice(words)}", principals=("role:arsiparis",)),
            "phrase, archivist": lambda: SearchRequest(q='"surat dinas"', principals=("role:arsiparis",)),
            "one word + facets, archivist": lambda: SearchRequest(q=rng.choice(words), principals=("role:arsiparis",), facets=True),
            "one word newest, archivist": lambda: SearchRequest(q=rng.choice(words), principals=("role:arsiparis",), sort="newest"),
            "browse page 3, archivist": lambda: SearchRequest(q="", principals=("role:arsiparis",), page=3),
            "typo (did you mean)": lambda: SearchRequest(q="kearsipn pegawaii", principals=("role:arsiparis",)),
        }
        index.search(SearchRequest(q="surat", principals=("role:arsiparis",)))  # warm caches
        for name, make in cases.items():
            timings = []
            for _ in range(rounds):
                request = make()
                t0 = time.perf_counter()
                index.search(request)
                timings.append((time.perf_counter() - t0) * 1000)
            print(f"{name:32s} p50 {statistics.median(timings):6.1f} ms   p95 {_p(timings, 0.95):6.1f} ms")
        t0 = time.perf_counter()
        for _ in range(rounds):
            index.suggest(rng.choice(words)[:3], ("role:arsiparis",))
        print(f"{'autocomplete':32s} mean {(time.perf_counter() - t0) * 1000 / rounds:6.1f} ms")
        index.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
