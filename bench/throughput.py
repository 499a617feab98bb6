"""End-to-end throughput of `parley code`, against bare spaCy measured in the same run.

    python bench/throughput.py                          # Wikinews (293 articles), 2 workers
    python bench/throughput.py --workers 1,2            # one row per worker count
    python bench/throughput.py --corpus whitehouse --limit 300   # long White House documents

Prints one table:

* baseline: the bare full spaCy pipeline (every default component, NER included) over the same
  texts with ``nlp.pipe`` in one process — the parse floor parley is compared with;
* one row per worker count: ``parley.api.code`` end to end (reading, cleaning, prefilter, parse,
  actors, events, dates, places; process start-up and model loads included);
* coder only: the stages after the parse (actors, events, when, where) on already parsed documents;

with articles/s, sentences/s, words/s, peak RSS of the main process and of the largest worker
process, and the ratio of each row's time to the baseline's.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


class PeakRSS:
    """Samples the RSS of this process and of its children (the worker processes) in a thread.

    RSS counts pages shared with the parent (workers are forked after the model is loaded), so a
    worker's RSS overstates what it adds."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.main = 0
        self.worker = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                self.main = max(self.main, self.proc.memory_info().rss)
                for c in self.proc.children(recursive=True):
                    try:
                        self.worker = max(self.worker, c.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRSS":
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def load_corpus(name: str, limit: int) -> tuple[Path, list[str]]:
    """A JSONL file of the chosen corpus (temporary for the White House sample) and its texts."""
    if name == "wikinews":
        path = SHARED / "corpus" / "wikinews" / "wikinews_2019_2020_clean.jsonl"
        recs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        if limit:
            recs = recs[:limit]
    elif name == "whitehouse":
        recs = []
        files = sorted((SHARED / "corpus" / "whitehouse").glob("*.jsonl.gz"))
        per_file = max(1, (limit or 300) // max(1, len(files)) + 1)
        for f in files:  # an even sample across the years, each file's first documents
            with gzip.open(f, "rt", encoding="utf-8") as fh:
                for i, line in enumerate(fh):
                    if i >= per_file:
                        break
                    recs.append(json.loads(line))
        recs = recs[: limit or 300]
    else:
        raise SystemExit(f"unknown corpus {name!r}")
    fd, tmp = tempfile.mkstemp(prefix=f"parley_bench_{name}_", suffix=".jsonl")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps({k: r.get(k) for k in ("id", "date", "title", "url", "text")}) + "\n")
    return Path(tmp), [r["text"] for r in recs]


def bare_spacy(texts: list[str], model: str, batch_size: int) -> tuple[float, int, int, int]:
    """The baseline, run in a child process: seconds, words, sentences, peak RSS of that process."""
    import resource

    import spacy

    nlp = spacy.load(model)
    t0 = time.perf_counter()
    n_words = n_sents = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        n_words += sum(1 for t in doc if not (t.is_space or t.is_punct))
        n_sents += sum(1 for _ in doc.sents)
    secs = time.perf_counter() - t0
    return secs, n_words, n_sents, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description="parley end-to-end throughput vs bare spaCy")
    ap.add_argument("--corpus", default="wikinews", choices=["wikinews", "whitehouse"])
    ap.add_argument("--limit", type=int, default=0, help="first N documents (0 = all; whitehouse default 300)")
    ap.add_argument("--workers", default="2", help="comma-separated worker counts, e.g. 1,2")
    ap.add_argument("--no-prefilter", action="store_true", help="also time a run without the prefilter")
    args = ap.parse_args()
    if not SHARED.is_dir():
        raise SystemExit("../shared not found beside the repository")

    import spacy

    from parley.api import code
    from parley.options import build_options

    path, texts = load_corpus(args.corpus, args.limit)
    n_docs = len(texts)
    base_opts = build_options()
    rows = []

    # -- baseline: the bare full pipeline, same texts, in a fresh process (so its memory is its own) ----
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(1) as pool:
        base, n_words, n_sents, base_rss = pool.apply(bare_spacy, (texts, base_opts.spacy_model, base_opts.batch_size))
    rows.append(("bare spaCy nlp.pipe (full pipeline, 1 process)", base, n_docs, n_sents, 0, base_rss, 0))

    # -- end to end --------------------------------------------------------------------------------
    configs = [(int(w), True) for w in args.workers.split(",")]
    if args.no_prefilter:
        configs += [(int(w), False) for w in args.workers.split(",")]
    for workers, prefilter in configs:
        opts = base_opts.with_overrides(workers=workers, prefilter=prefilter)
        counts = {"sents": 0}

        def on_article(art, counts=counts):
            counts["sents"] += len(art.sentences)

        with PeakRSS() as rss:
            t0 = time.perf_counter()
            res = code([str(path)], options=opts, db=None, out=None, on_article=on_article)
            secs = time.perf_counter() - t0
        label = f"parley code, {workers} worker{'s' if workers > 1 else ''}" + ("" if prefilter else ", no prefilter")
        rows.append((label, secs, res.n_articles, counts["sents"], res.n_events, rss.main,
                     rss.worker if workers > 1 else rss.main))

    # -- coder only: the stages after the parse, on parsed docs ---------------------------------------
    from parley.model import Article
    from parley.pipeline import Pipeline

    p = Pipeline(base_opts)
    arts = [p._clean(Article(id=str(i), text=t, origin="bench")) for i, t in enumerate(texts)]
    arts = [a for a in arts if isinstance(a, Article)]
    parsed = p.parse(arts)
    n_sents = sum(len(a.sentences) for a in parsed)
    t0 = time.perf_counter()
    n_ev = 0
    for a in parsed:
        for stage in p.stages:
            a = stage(a)
        n_ev += len(a.events)
    coder = time.perf_counter() - t0
    rows.append(("coder only (actors, events, when, where)", coder, len(parsed), n_sents, n_ev, 0, 0))

    print(f"\nparley throughput — {args.corpus}: {n_docs} documents, {n_words:,} words; "
          f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}, spaCy {spacy.__version__}")
    print(f"{'run':50} {'time s':>7} {'art/s':>7} {'sent/s':>8} {'words/s':>8} {'events':>7} "
          f"{'RSS main MB':>11} {'RSS worker MB':>13} {'× baseline':>10}")
    for label, secs, n, s, ev, rmain, rwork in rows:
        print(f"{label:50} {secs:7.1f} {n / secs:7.1f} {s / secs:8.0f} {n_words / secs if n == n_docs else 0:8.0f} "
              f"{ev:7d} {mb(rmain) if rmain else '-':>11} {mb(rwork) if rwork else '-':>13} {secs / base:10.2f}")
    pf = p.parser.prefilter.stats if p.parser.prefilter else None
    if pf:
        print(f"prefilter: {pf.parsed}/{pf.sentences} sentences parsed ({pf.parsed / max(1, pf.sentences):.0%})"
              + (f"; lazy NER over {p.ner_sentences} sentences" if p.parser.lazy_ner else ""))
    path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
