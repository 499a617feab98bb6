"""The eval gate: every gated evaluation must reach the floors pinned in src/parley/eval/baseline.json.

Floors may only rise: a test walks the git history of the baseline file and fails if a floor ever
went down (or a gated metric disappeared).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from parley import eval as ev

GATED = tuple(ev.load_baseline())  # every evaluation with pinned floors; each runs in seconds


def test_own_evaluations_are_gated():
    assert {"plover-gsr", "cameo-examples"} <= set(GATED)


@pytest.mark.parametrize("name", GATED)
def test_gate(name, shared_dir, pipeline):
    floors = ev.load_baseline().get(name)
    assert floors, f"no floors pinned for {name}"
    assert ev.available(name), f"{name} has pinned floors but its evaluator is not installed"
    ctx = ev.EvalContext(shared=shared_dir, _pipeline=pipeline)
    metrics = ev.run(name, ctx)
    bad = ev.check_floors(name, metrics, floors)
    assert not bad, "\n".join(bad)


def test_registry_and_helpers():
    assert {"plover-gsr", "cameo-examples", "petrarch-unit"} <= set(ev.names())
    with pytest.raises(ev.EvalError):
        ev.get("no-such-eval")
    c = ev.Counts()
    missed, spurious = c.add_sets({("A", "B", "X"), ("A", None, "Y")}, {("A", "B", "X"), ("C", "D", "X")})
    assert (c.tp, c.fp, c.fn) == (1, 1, 1) and missed == {("A", None, "Y")} and spurious == {("C", "D", "X")}
    assert c.f1 == pytest.approx(0.5)
    a = ev.Accuracy()
    a.add(exact=True, root=True)
    a.add(exact=False, root=True)
    assert a.metrics() == {"n": 2, "exact_accuracy": 0.5, "root_accuracy": 1.0}
    assert ev.check_floors("x", {"m": 0.5}, {"m": 0.6}) and not ev.check_floors("x", {"m": 0.6}, {"m": 0.6})


def test_plover_gold_expansion():
    from parley.eval.plover_gsr import gold_tuples

    rec = {"plover_event": "DEMAND", "markup": "(SRC/TAR: Hungarian) and (SRC/TAR: Romanian) officials met",
           "source": [{"actorText": "Hungarian", "code": "HUN"}, {"actorText": "Romanian", "code": "ROU"}],
           "target": None}
    assert gold_tuples(rec) == {("HUN", "ROU", "REQUEST"), ("ROU", "HUN", "REQUEST")}
    rec = {"plover_event": "FIGHT", "markup": "", "source": [{"actorText": "x", "code": "JAP"}],
           "target": [{"actorText": "y", "code": "USA"}, {"actorText": "z", "code": "GBR"}]}
    assert gold_tuples(rec) == {("JPN", "USA", "ASSAULT"), ("JPN", "GBR", "ASSAULT")}
    # a SRC/TAR span and the actor text differ in extent; one span can hold both parties
    rec = {"plover_event": "AGREE", "markup": "The (SRC/TAR: Kenyan) and (SRC/TAR: Somali) sides agreed",
           "source": [{"actorText": "Kenyan", "code": "KEN"}, {"actorText": "Somali-backed", "code": "SOM"}],
           "target": None}
    assert gold_tuples(rec) == {("KEN", "SOM", "AGREE"), ("SOM", "KEN", "AGREE")}
    rec = {"plover_event": "AGREE", "markup": "(SRC/TAR: Kenyan and Somali warships) sailed",
           "source": [{"actorText": "Kenyan", "code": "KEN"}, {"actorText": "Somali", "code": "SOM"}],
           "target": None}
    assert gold_tuples(rec) == {("KEN", "SOM", "AGREE"), ("SOM", "KEN", "AGREE")}
    # a compound of two parties of one country is a domestic event both ways: (C, C)
    rec = {"plover_event": "AGREE", "markup": "the (SRC/TAR: Kenyan government) and (SRC/TAR: the rebels) agreed",
           "source": [{"actorText": "Kenyan government", "code": "KEN"}, {"actorText": "the rebels", "code": "KEN"}],
           "target": None}
    assert gold_tuples(rec) == {("KEN", "KEN", "AGREE")}
    rec = {"plover_event": "AGREE", "markup": "(SRC: Kenya) agreed",
           "source": [{"actorText": "Kenya", "code": "KEN"}], "target": None}
    assert gold_tuples(rec) == {("KEN", None, "AGREE")}


def test_floors_only_rise():
    repo = Path(__file__).resolve().parents[1]
    rel = "src/parley/eval/baseline.json"
    if shutil.which("git") is None or not (repo / ".git").exists():
        pytest.skip("no git history")
    try:
        revs = subprocess.run(["git", "log", "--format=%H", "--reverse", "--", rel], cwd=repo, check=True,
                              capture_output=True, text=True).stdout.split()
    except (subprocess.CalledProcessError, OSError):
        pytest.skip("git log failed")
    versions = []
    for rev in revs:
        text = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=repo, capture_output=True, text=True).stdout
        if text.strip():
            versions.append((rev[:8], json.loads(text)))
    versions.append(("working tree", json.loads((repo / rel).read_text("utf-8"))))
    for (r0, old), (r1, new) in zip(versions, versions[1:]):
        for name, floors in old.items():
            if name.startswith("_"):
                continue
            for metric, floor in floors.items():
                if metric.startswith("_"):
                    continue
                assert metric in new.get(name, {}), f"{name}.{metric} dropped from the baseline in {r1}"
                assert float(new[name][metric]) >= float(floor), \
                    f"{name}.{metric} floor lowered from {floor} ({r0}) to {new[name][metric]} ({r1})"


def test_floors_are_fractions():
    # floors are measured values between 0 and 1 (guards against a hand-edited typo like 8.0)
    for name, floors in ev.load_baseline().items():
        for metric, floor in floors.items():
            assert 0.0 <= floor <= 1.0, (name, metric, floor)
