"""Scale: every item of ../shared/corpus/current_events (110,251 one-sentence items) coded into a store
with two worker processes, in under 30 minutes. Run with `make scale` (marker `scale`); prints items/s,
peak RSS of the main and of the largest worker process, events and wall time."""
from __future__ import annotations

import threading
import time

import pytest

pytestmark = pytest.mark.scale

N_ITEMS = 110_251
LIMIT_S = 30 * 60


def test_code_all_current_events(tmp_path, shared_dir, options):
    import psutil

    from parley.api import code

    folder = shared_dir / "corpus" / "current_events"
    files = sorted(folder.glob("wcep_*.jsonl.gz"))
    assert files, "current_events corpus missing"
    peak = {"main": 0, "worker": 0}
    stop = threading.Event()

    def sample():
        me = psutil.Process()
        while not stop.is_set():
            try:
                peak["main"] = max(peak["main"], me.memory_info().rss)
                for c in me.children(recursive=True):
                    try:
                        peak["worker"] = max(peak["worker"], c.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            stop.wait(0.5)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    t0 = time.perf_counter()
    seen = {"n": 0, "events": 0}

    def on_article(art):  # a line every 10,000 articles, so a cut-short run still tells its speed
        seen["n"] += 1
        seen["events"] += len(art.events)
        if seen["n"] % 10_000 == 0:
            dt = time.perf_counter() - t0
            print(f"scale: {seen['n']} articles, {seen['events']} events, {dt:.0f} s, {seen['n'] / dt:.1f}/s",
                  flush=True)

    try:
        res = code([str(f) for f in files], options=options.with_overrides(workers=2, partition_size=512),
                   db=str(tmp_path / "scale.duckdb"), on_article=on_article)
    finally:
        stop.set()
        t.join()
    wall = time.perf_counter() - t0
    n = res.n_articles + res.n_errors
    print(f"\nscale: {n} items ({res.n_articles} articles, {res.n_errors} errors), {res.n_events} events "
          f"in {wall:.0f} s = {n / wall:.1f} items/s; peak RSS main {peak['main'] / 2**20:.0f} MB, "
          f"largest worker {peak['worker'] / 2**20:.0f} MB")
    assert n == N_ITEMS
    assert res.n_events > 0
    assert peak["worker"] < 2**30, "a worker process went over 1 GB"
    assert wall < LIMIT_S
