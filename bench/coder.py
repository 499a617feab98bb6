"""Benchmark: the event coder alone on pre-parsed sentences, against the spaCy parse of the same text.

Usage: python bench/coder.py [N]   (N one-sentence items from ../shared/corpus/current_events, default 3000)

Prints sentences/s for the coder (EventCoder over Docs already parsed and actor-resolved), and the
ratio coder time / spaCy parse time measured in the same run (absolute speeds vary by machine;
the ratio is what to compare). Runs on one core (torch/BLAS threads pinned to 1). Times are process
CPU times (``time.process_time``), so other load on a shared machine does not inflate them.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def load_items(n: int) -> list[str]:
    texts: list[str] = []
    folder = SHARED / "corpus" / "current_events"
    for path in sorted(folder.glob("wcep_*.jsonl.gz"), reverse=True):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                t = (rec.get("text_no_sources") or rec.get("text") or "").strip()
                if t:
                    texts.append(t)
                if len(texts) >= n:
                    return texts
    return texts


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    from parley.events import EventCoder
    from parley.model import Article
    from parley.options import build_options
    from parley.pipeline import Resources
    from parley.actors import ActorResolver

    opts = build_options()
    res = Resources.load(opts)
    texts = load_items(n)
    if not texts:
        sys.exit("no corpus found under ../shared/corpus/current_events")
    arts = [Article(id=f"b{i}", text=t, body=t, date="2020-01-01", date_source="record") for i, t in enumerate(texts)]

    t0 = time.process_time()
    docs = list(res.nlp.pipe((a.body for a in arts), batch_size=64))
    t_parse = time.process_time() - t0
    n_sents = 0
    for a, d in zip(arts, docs):
        a.doc = d
        n_sents += sum(1 for _ in d.sents)

    resolver = ActorResolver(res.kb)
    t0 = time.process_time()
    for a in arts:
        resolver(a)
    t_actors = time.process_time() - t0

    coder = EventCoder(res.lexicon, res.ontology, opts)
    best = float("inf")
    n_events = 0
    for _ in range(3):
        t0 = time.process_time()
        n_events = 0
        for a in arts:
            coder(a)
            n_events += len(a.events)
        best = min(best, time.process_time() - t0)

    print(f"items: {len(arts)}  sentences: {n_sents}  events: {n_events}  patterns: {len(res.lexicon)}")
    print(f"spaCy parse:     {t_parse:8.3f} s  {n_sents / t_parse:10.0f} sentences/s")
    print(f"actor resolver:  {t_actors:8.3f} s  {n_sents / t_actors:10.0f} sentences/s")
    print(f"event coder:     {best:8.3f} s  {n_sents / best:10.0f} sentences/s  (best of 3)")
    print(f"ratio coder / spaCy parse time: {best / t_parse:.3f}  (parse is {t_parse / best:.1f}x the coder)")


if __name__ == "__main__":
    main()
