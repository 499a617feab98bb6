"""parley export: PLOVER JSONL of the seed page, GDELT-style TSV, and the plain formats."""
from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.store import open_store
from parley.store.export import GDELT_COLUMNS, PLOVER_EVENTS, PLOVER_FIELDS, PLOVER_REQUIRED
from test_store_helpers import CORPUS, REPO, code_paths, store_articles

runner = CliRunner()


@pytest.fixture(scope="module")
def seed_db(pipeline, seed_path, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("export") / "seed.duckdb")
    arts = code_paths(pipeline, [seed_path, CORPUS])
    with open_store(path) as s:
        store_articles(s, arts)
    return path, arts


def test_plover_jsonl_of_the_seed(seed_db, tmp_path):
    path, arts = seed_db
    seed = next(a for a in arts if a.id.startswith("putin_obama"))
    out = tmp_path / "seed.plover.jsonl"
    res = runner.invoke(app, ["export", "--db", path, "--format", "plover", "--out", str(out), "--until", "2012-12-31"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    with_plover = [e for e in seed.events if e.plover and e.plover.get("event")]
    assert len(recs) == len(with_plover) > 0
    for r in recs:
        assert list(r) == PLOVER_FIELDS
        for k in PLOVER_REQUIRED:
            assert k in r
        assert r["event"] in PLOVER_EVENTS
        assert isinstance(r["context"], list) and isinstance(r["mode"], str)
        assert r["event_loc"] is None or isinstance(r["event_loc"], dict)
        assert r["date"][:4] == "2012" and r["actor"] and r["event_text"]
    assert {r["id"] for r in recs} == {e.event_id for e in with_plover}


def test_gdelt_tsv(seed_db, tmp_path):
    path, _ = seed_db
    out = tmp_path / "events.tsv"
    res = runner.invoke(app, ["export", "--db", path, "--format", "gdelt", "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(out.open(encoding="utf-8"), delimiter="\t"))
    assert rows[0] == GDELT_COLUMNS and len(GDELT_COLUMNS) == 61
    with open_store(path, read_only=True) as s:
        n_clusters = s.fetchall("SELECT count(*) FROM event_clusters")[0][0]
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert len(body) == n_clusters and all(len(r) == 61 for r in rows[1:])
    meet = [r for r in body if r["Actor1Code"].startswith("RUS") and r["Actor2Code"].startswith("USA")
            and r["Day"] == "20130507"]
    assert meet and max(int(r["NumArticles"]) for r in meet) == 3 and max(int(r["NumSources"]) for r in meet) == 2
    for r in body:
        assert len(r["Day"]) == 8 and r["MonthYear"] == r["Day"][:6] and r["EventRootCode"] == r["EventCode"][:2]
        assert r["QuadClass"] in {"1", "2", "3", "4"}
    assert len({r["GlobalEventID"] for r in body}) == len(body)
    # every column is documented
    doc = (REPO / "docs" / "store.md").read_text("utf-8")
    missing = [c for c in GDELT_COLUMNS if f"`{c}`" not in doc]
    assert not missing, f"GDELT columns not documented in docs/store.md: {missing}"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_plain_formats(seed_db, tmp_path, fmt):
    path, arts = seed_db
    out = tmp_path / f"events.{fmt}"
    res = runner.invoke(app, ["export", "--db", path, "--format", fmt, "--out", str(out), "--dedup"])
    assert res.exit_code == 0, res.output
    with open_store(path, read_only=True) as s:
        n = s.fetchall("SELECT count(*) FROM event_clusters")[0][0]
    if fmt == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    elif fmt == "jsonl":
        rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    else:
        rows = pq.read_table(out).to_pylist()
    assert len(rows) == n and {"cluster_id", "num_mentions", "num_articles", "num_sources"} <= set(rows[0])
    raw = runner.invoke(app, ["export", "--db", path, "--format", "jsonl"])
    assert len(raw.stdout.splitlines()) == sum(len(a.events) for a in arts)


def test_bad_export_format(seed_db):
    res = runner.invoke(app, ["export", "--db", seed_db[0], "--format", "xml"])
    assert res.exit_code == 2 and "unknown export format" in res.output
