"""Word queries from many threads at once: no shared state that breaks, no cache that grows."""

from __future__ import annotations

import random
import string
import threading
from pathlib import Path

import pytest

from builder.check import check_paths
from search.engine import whoosh_engine
from search.service import search_index
from search.store.builds import current_build
from search.store.live import LiveIndex
from search.store.publish import build_index

DATA = Path(__file__).parent / "data" / "search"
THREADS = 4
QUERIES_PER_THREAD = 100


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("index")
    build_index(check_paths([DATA / "trees"]).trees, folder)
    return folder


def _words(seed: int) -> list[str]:
    """Words no index holds, so every one is stemmed afresh (and typo-corrected)."""
    rng = random.Random(seed)
    return [
        " ".join(
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 11))) + "ing"
            for _ in range(rng.randint(1, 3))
        )
        for _ in range(QUERIES_PER_THREAD)
    ]


def test_four_threads_of_word_queries_raise_nothing_and_share_one_bounded_stem_cache(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cap = 300  # far fewer than the distinct words below, so the cap is reached
    monkeypatch.setattr(whoosh_engine, "STEM_CACHE_SIZE", cap)
    live = LiveIndex(index_dir, check_interval=3600)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(seed: int) -> None:
        start.wait()
        for query in _words(seed):
            try:
                search_index(live, query, 10)
            except Exception as e:  # each would be a 500 from the API
                errors.append(e)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    build = current_build(index_dir)
    assert build is not None
    # Every searcher of the build uses the one cache: a word stemmed once is stemmed for all.
    with live.lease() as first, live.lease() as second:
        assert first.searcher.stem_cache is second.searcher.stem_cache  # type: ignore[attr-defined]
        info = first.searcher.stem_cache.cache_info()  # type: ignore[attr-defined]
    live.close()
    assert errors == []
    assert info.maxsize == cap
    assert info.currsize == cap  # filled to the cap, and no further
