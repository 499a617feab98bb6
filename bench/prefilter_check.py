"""Does the speed work lose events? Code the same texts with and without the prefilter (and with the
rule date finder instead of spaCy's NER) and compare the event sets, in one run.

    python bench/prefilter_check.py [--limit N] [--show 10] [CORPUS.jsonl ...]

An event is compared by (article, sentence text, source code, target code, CAMEO code, date,
location name): sentence indices and event ids may shift when the rule splitter and the parser
disagree about a boundary, so they are not part of the key.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "corpus" / "wikinews" / "wikinews_2019_2020_clean.jsonl"


def event_key(ev) -> tuple:
    loc = (ev.location.get("name"), ev.location.get("country")) if ev.location else None
    return (ev.article_id, " ".join(ev.sentence.split()).strip("\"'“”‘’ "), ev.source.code, ev.target.code if ev.target else "",
            ev.cameo, ev.date, loc)


def run(pipeline, inputs, opts):
    from parley.ingest import iter_inputs
    from parley.model import Article

    t0 = time.perf_counter()
    keys: dict[tuple, object] = {}
    n = 0
    for item in pipeline.process(iter_inputs(inputs, opts)):
        if isinstance(item, Article):
            n += 1
            for ev in item.events:
                keys[event_key(ev)] = ev
    return keys, n, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", default=[str(DEFAULT)])
    ap.add_argument("--limit", type=int, default=0, help="only the first N records of each input (0 = all)")
    ap.add_argument("--show", type=int, default=10, help="print up to N lost/gained events")
    args = ap.parse_args()

    from parley.options import build_options
    from parley.pipeline import Pipeline, Resources

    inputs = args.inputs
    if args.limit:
        tmp = Path("/tmp") if Path("/tmp").is_dir() else Path(".")
        out = tmp / f"parley_prefilter_check_{args.limit}.jsonl"
        with out.open("w", encoding="utf-8") as fh:
            for path in inputs:
                with open(path, encoding="utf-8") as src:
                    for i, line in enumerate(src):
                        if i >= args.limit:
                            break
                        fh.write(line)
        inputs = [str(out)]

    base = build_options({"prefilter": False, "ner": "model"})
    res = Resources.load(base)
    configs = [
        ("full parse, NER model (reference)", base, res),
        ("prefilter, NER on parsed sentences", base.with_overrides(prefilter=True), res),
        ("prefilter, lazy NER (default)", base.with_overrides(prefilter=True, ner="lazy"), res),
    ]
    rules = build_options({"prefilter": True, "ner": "rules"})
    configs.append(("prefilter, rule dates (no NER)", rules, Resources.load(rules)))
    results = []
    for name, opts, r in configs:
        p = Pipeline(opts, resources=r)
        keys, n, secs = run(p, inputs, opts)
        stats = p.parser.prefilter.stats if p.parser.prefilter else None
        results.append((name, keys, n, secs, stats))
    ref_name, ref, _, ref_secs, _ = results[0]
    print(f"{'configuration':38} {'articles':>8} {'events':>7} {'same':>6} {'lost':>5} {'gained':>6} "
          f"{'parsed sents':>13} {'time s':>7} {'ratio':>6}")
    for name, keys, n, secs, stats in results:
        same = len(ref.keys() & keys.keys())
        parsed = f"{stats.parsed}/{stats.sentences}" if stats else "all"
        print(f"{name:38} {n:8d} {len(keys):7d} {same:6d} {len(ref.keys() - keys.keys()):5d} "
              f"{len(keys.keys() - ref.keys()):6d} {parsed:>13} {secs:7.1f} {secs / ref_secs:6.2f}")
    # the same comparison without the sentence text: an event whose sentence the rule splitter and the
    # parser cut differently (a heading glued to the first sentence, a quote) is not lost
    from collections import Counter

    def loose(keys):
        return Counter(k[:1] + k[2:] for k in keys)

    for name, keys, *_ in results[1:]:
        lost_l = sum((loose(ref) - loose(keys)).values())
        gained_l = sum((loose(keys) - loose(ref)).values())
        print(f"{name:38} ignoring sentence boundaries: lost {lost_l}, gained {gained_l} of {len(ref)} reference events")
    # the lazy NER against the NER on every parsed sentence (same sentence cuts): what the lazy NER alone changes
    _, all_ner, *_ = results[1]
    _, lazy, *_ = results[2]
    print(f"lazy NER vs NER on every parsed sentence: same {len(all_ner.keys() & lazy.keys())}, "
          f"lost {len(all_ner.keys() - lazy.keys())}, gained {len(lazy.keys() - all_ner.keys())} of {len(all_ner)}")
    for tag, items in (("lost", sorted(all_ner.keys() - lazy.keys())), ("gained", sorted(lazy.keys() - all_ner.keys()))):
        for k in items[: args.show]:
            print(f"  lazy {tag}: {json.dumps(k[2:], ensure_ascii=False)}  | {k[1][:150]}")
    for name, keys, *_ in results[1:]:
        lost = sorted(ref.keys() - keys.keys())
        gained = sorted(keys.keys() - ref.keys())
        if lost or gained:
            print(f"\n== {name}: lost {len(lost)}, gained {len(gained)}")
        for tag, items in (("lost", lost), ("gained", gained)):
            for k in items[: args.show]:
                print(f"  {tag}: {json.dumps(k[2:], ensure_ascii=False)}  | {k[1][:150]}")


if __name__ == "__main__":
    main()
