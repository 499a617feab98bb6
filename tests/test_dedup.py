"""Near-duplicate detection (MinHash) and the dedup / query --dedup commands on the test corpus."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parley import dedup
from parley.cli import app
from parley.store import open_store
from test_store_helpers import CORPUS, code_paths, store_articles

runner = CliRunner()


def _texts():
    return {r["id"]: r["text"] for r in map(json.loads, CORPUS.read_text("utf-8").splitlines())}


def test_minhash_similarity_tracks_jaccard():
    t = _texts()
    wire, copy, other, trade = (dedup.minhash(t[k]) for k in (
        "northwind-0507-geneva", "valley-0508-geneva", "harbor-0507-geneva", "harbor-0510-trade"))
    sh_w, sh_c = dedup.shingles(t["northwind-0507-geneva"]), dedup.shingles(t["valley-0508-geneva"])
    exact = len(sh_w & sh_c) / len(sh_w | sh_c)
    assert abs(dedup.similarity(wire, copy) - exact) < 0.15  # an estimate of the true Jaccard similarity
    assert dedup.similarity(wire, copy) >= dedup.DEFAULT_THRESHOLD
    assert dedup.similarity(wire, other) < 0.3  # same event, written independently
    assert dedup.similarity(wire, trade) < 0.1
    assert dedup.similarity(wire, dedup.minhash(t["northwind-0507-geneva"])) == 1.0
    assert dedup.from_hex(dedup.to_hex(wire)).tolist() == wire.tolist()
    assert set(dedup.band_keys(wire)) & set(dedup.band_keys(copy))  # LSH finds the pair
    assert dedup.minhash("") is None and dedup.band_keys(None) == []


@pytest.fixture(scope="module")
def corpus_db(pipeline, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("dedup") / "wire.duckdb")
    with open_store(path) as s:
        store_articles(s, code_paths(pipeline, [CORPUS]))
    return path


def test_query_dedup_cli(corpus_db):
    res = runner.invoke(app, ["query", "--db", corpus_db, "--dedup", "--dyad", "RUS,USA", "--code", "04",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 1
    r = rows[0]
    assert (r["num_articles"], r["num_sources"], r["num_stories"], r["num_outlets"]) == (3, 2, 2, 3)
    assert r["date"] == "2013-05-07" and r["source_code"].startswith("RUS") and r["target_code"].startswith("USA")
    raw = json.loads(runner.invoke(app, ["query", "--db", corpus_db, "--dyad", "RUS,USA", "--code", "04",
                                         "--format", "json"]).stdout)
    assert len(raw) == r["num_mentions"] > 3  # raw mentions, one row each
    table = runner.invoke(app, ["query", "--db", corpus_db, "--dedup"])
    with open_store(corpus_db, read_only=True) as s:  # as many as the store has clusters (coder-independent)
        n_clusters = s.fetchall("SELECT count(*) FROM event_clusters")[0][0]
    assert table.exit_code == 0 and n_clusters >= 3 and f"{n_clusters} deduplicated events" in table.stdout


def test_dedup_command_rebuilds_with_window_and_threshold(corpus_db, tmp_path):
    import shutil

    path = str(tmp_path / "copy.duckdb")
    shutil.copyfile(corpus_db, path)
    res = runner.invoke(app, ["dedup", "--db", path, "--window", "3", "--threshold", "0.95"])
    assert res.exit_code == 0, res.output
    with open_store(path, read_only=True) as s:
        # a stricter threshold than the copy's similarity: no story is merged, so three sources now
        assert s.fetchall("SELECT count(*) FROM articles WHERE story_id <> article_id")[0][0] == 0
        assert s.fetchall("SELECT max(num_sources), min(window_days) FROM event_clusters")[0] == (3, 3)
    res = runner.invoke(app, ["dedup", "--db", path, "--threshold", "0.5"])
    with open_store(path, read_only=True) as s:
        assert s.fetchall("SELECT story_id FROM articles WHERE article_id = 'valley-0508-geneva'")[0][0] == \
            "northwind-0507-geneva"
        assert s.fetchall("SELECT max(num_sources), min(window_days) FROM event_clusters")[0] == (2, 3)
    assert runner.invoke(app, ["dedup", "--db", path, "--window", "0"]).exit_code == 2


def test_sql_command_refuses_writes(corpus_db):
    res = runner.invoke(app, ["sql", "--db", corpus_db, "DELETE FROM events"])
    assert res.exit_code == 2
    assert "read-only" in res.output
    ok = runner.invoke(app, ["sql", "--db", corpus_db, "SELECT count(*) AS n FROM events", "--format", "csv"])
    assert ok.exit_code == 0 and ok.stdout.splitlines()[0] == "n"


def test_stats_command(corpus_db):
    res = runner.invoke(app, ["stats", "--db", corpus_db, "--json", "--top", "3"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    with open_store(corpus_db, read_only=True) as st:
        n_events = st.fetchall("SELECT count(*) FROM events")[0][0]
        top_dyad = st.fetchall("SELECT source_code, coalesce(target_code, '-'), count(*) AS n FROM events "
                               "GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 1")[0]
    assert s["events"] == n_events and s["articles"] == 4 and len(s["actors"]) <= 3
    assert s["dyads"][0][:3] == list(top_dyad)
    dedup_stats = json.loads(runner.invoke(app, ["stats", "--db", corpus_db, "--json", "--dedup"]).stdout)
    assert dedup_stats["events"] == s["clusters"] < n_events
    table = runner.invoke(app, ["stats", "--db", corpus_db])
    assert table.exit_code == 0 and "Top dyads" in table.stdout
