"""The eval numbers with and without the speed work, in one run (same code, same loaded model).

    python bench/eval_prefilter.py [plover-gsr cameo-examples event-location ngec-actors]

Columns: full parse with spaCy's NER on every sentence (the reference); prefilter on with the NER on
every parsed sentence (``ner = "model"``); the default, prefilter on with the NER only on sentences with
a lexicon predicate (``ner = "lazy"``); prefilter with the rule date finder instead of NER
(``ner = "rules"``).
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT = ["plover-gsr", "cameo-examples", "event-location", "ngec-actors"]


def main() -> None:
    from parley.eval import REGISTRY, EvalContext
    from parley.options import build_options
    from parley.pipeline import Pipeline, Resources

    names = sys.argv[1:] or DEFAULT
    ref_opts = build_options({"prefilter": False, "ner": "model"})
    res = Resources.load(ref_opts)
    rules_opts = build_options({"prefilter": True, "ner": "rules"})
    res_rules = Resources.load(rules_opts)
    configs = [("full parse", ref_opts, res), ("prefilter, NER all", ref_opts.with_overrides(prefilter=True), res),
               ("prefilter, lazy NER", ref_opts.with_overrides(prefilter=True, ner="lazy"), res),
               ("prefilter, rule dates", rules_opts, res_rules)]
    for name in names:
        target, _help = REGISTRY[name]
        mod, func = target.split(":")
        evaluate = getattr(importlib.import_module(mod), func)
        results = []
        for _label, opts, r in configs:
            ctx = EvalContext(shared=SHARED, options=opts, _pipeline=Pipeline(opts, resources=r))
            results.append(evaluate(ctx))
        print(f"\n== {name}")
        print(f"{'metric':40} " + " ".join(f"{label:>22}" for label, _, _ in configs))
        for key in results[0]:
            if key.startswith("_"):
                continue
            vals = [m.get(key) for m in results]
            cells = [f"{v:22.4f}" if isinstance(v, float) else f"{v!s:>22}" for v in vals]
            mark = "" if len({str(v) for v in vals[:3]}) == 1 else "   <- differs"
            print(f"{key:40} " + " ".join(cells) + mark)


if __name__ == "__main__":
    main()
