"""The store, on every backend: idempotent ingest, changed articles, deduplication, queries, read-only SQL,
locking, migrations. Each test runs on DuckDB and on a real PostgreSQL server (see scripts/pg_test.sh)."""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

import parley
from parley.errors import OptionsError, ReadOnlyQueryError, StoreError
from parley.store import LATEST, open_store
from test_store_helpers import BACKENDS, CORPUS, REPO, code_paths, new_target, store_articles, synthetic

EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def corpus(pipeline):
    arts = code_paths(pipeline, [CORPUS])
    assert len(arts) == 4
    return arts


@pytest.fixture(scope="module")
def examples(pipeline):
    if not EXAMPLES.is_dir() or not any(EXAMPLES.iterdir()):
        pytest.skip("examples/ is empty")
    arts = code_paths(pipeline, [EXAMPLES])
    assert arts and sum(len(a.events) for a in arts) > 0
    return arts


@pytest.fixture(scope="module")
def seed(pipeline, seed_path):
    (art,) = code_paths(pipeline, [seed_path])
    return art


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path):
    yield from new_target(request.param, tmp_path)


def count(target: str, table: str = "events") -> int:
    with open_store(target, read_only=True) as s:
        return s.fetchall(f"SELECT count(*) FROM {table}")[0][0]


def event_ids(target: str, article_id: str | None = None) -> set[str]:
    with open_store(target, read_only=True) as s:
        if article_id is None:
            return {r[0] for r in s.fetchall("SELECT event_id FROM events")}
        return {r[0] for r in s.fetchall("SELECT event_id FROM events WHERE article_id = ?", [article_id])}


# -- idempotent ingest ---------------------------------------------------------------------------------------------

def test_coding_examples_twice_adds_nothing(target, examples):
    with open_store(target) as s:
        assert store_articles(s, examples) == len({a.id for a in examples})
    n_events, n_articles = count(target), count(target, "articles")
    assert n_events == sum(len(a.events) for a in examples) and n_events > 0
    with open_store(target) as s:
        assert store_articles(s, examples) == 0  # every article unchanged
    assert count(target) == n_events
    assert count(target, "articles") == n_articles
    assert count(target, "runs") == 2


def test_changed_article_replaces_only_its_events(target, corpus, pipeline):
    with open_store(target) as s:
        store_articles(s, corpus)
    before = {a.id: event_ids(target, a.id) for a in corpus}
    changed = corpus[0]
    # the outlet corrects its story: a new text under the same id
    edited = dataclasses.replace(copy.copy(changed), text=changed.text.replace(
        "met U.S. Secretary of State John Kerry", "criticized U.S. Secretary of State John Kerry"), body=None,
        events=[], sentences=[], mentions=[], doc=None, warnings=[])
    (recoded,) = [a for a in pipeline.process([edited]) if isinstance(a, parley.Article)]
    assert recoded.content_hash != changed.content_hash
    with open_store(target) as s:
        assert s.add_article(recoded, "edit") is True
    after = {a.id: event_ids(target, a.id) for a in corpus}
    for a in corpus[1:]:
        assert after[a.id] == before[a.id]  # untouched
    assert after[changed.id] == {e.event_id for e in recoded.events}
    assert after[changed.id] != before[changed.id]
    assert count(target, "articles") == len(corpus)
    with open_store(target, read_only=True) as s:
        assert s.fetchall("SELECT content_hash FROM articles WHERE article_id = ?", [changed.id])[0][0] == \
            recoded.content_hash


def test_same_text_under_another_name_is_not_stored_twice(target):
    a = synthetic("copy-a", "2020-01-02", [("FRA", "DEU", "040")], text="The same words in two files.")
    b = dataclasses.replace(a, id="copy-b", origin="synthetic:copy-b")
    stdin1 = synthetic("stdin", "2020-01-02", [("FRA", "DEU", "040")], text="First text piped in.")
    stdin2 = synthetic("stdin", "2020-01-02", [("ITA", "ESP", "040")], text="Second text piped in.")
    with open_store(target) as s:
        assert s.add_article(a, "r") is True
        assert s.add_article(b, "r") is False  # same text, URL and outlet: the same document
        assert s.add_article(stdin1, "r") is True
        assert s.add_article(stdin2, "r") is True  # stdin texts have no identity: keyed by their hash
        assert s.add_article(stdin1, "r") is False
    assert count(target, "articles") == 3


# -- deduplication -------------------------------------------------------------------------------------------------

def _meeting_key(corpus):
    """The (source, target, code, date) every Geneva article codes: the event of the test corpus."""
    geneva = [a for a in corpus if "geneva" in a.id]
    keys = [{(e.source.code, e.target.code if e.target else None, e.cameo, e.date) for e in a.events} for a in geneva]
    common = set.intersection(*keys)
    assert common, f"the three reports should share an event: {keys}"
    return sorted(common)[0]


def test_dedup_three_reports_two_sources(target, corpus):
    with open_store(target) as s:
        store_articles(s, corpus)
    src, tgt, code, day = _meeting_key(corpus)
    with parley.open(target) as db:
        arts = db.articles().set_index("article_id")
        assert arts.loc["valley-0508-geneva", "story_id"] == "northwind-0507-geneva"  # the syndicated copy
        assert arts.loc["harbor-0507-geneva", "story_id"] == "harbor-0507-geneva"
        assert arts.loc["valley-0508-geneva", "similarity"] >= 0.5
        cl = db.events(dedup=True, source=src, target=tgt, code=code, since=day, until=day)
        row = cl[(cl.source_code == src) & (cl.target_code == tgt) & (cl.cameo == code)]
        assert len(row) == 1
        r = row.iloc[0]
        assert (r.num_articles, r.num_stories, r.num_sources, r.num_outlets) == (3, 2, 2, 3)
        assert r.num_mentions == sum(1 for a in corpus for e in a.events
                                     if (e.source.code, e.target.code if e.target else None, e.cameo, e.date)
                                     == (src, tgt, code, day))
        assert r.first_article_id in {"northwind-0507-geneva", "harbor-0507-geneva"}  # published first
        assert str(r.date) == day
        # level 1: the Harbor Post report mentions the meeting more than once
        per_article = db.events(dedup="article", source=src, target=tgt, code=code)
        hp = per_article[per_article.article_id == "harbor-0507-geneva"]
        raw = [e for a in corpus if a.id == "harbor-0507-geneva" for e in a.events
               if (e.source.code, e.cameo, e.date) == (src, code, day) and e.target and e.target.code == tgt]
        assert len(hp) == 1 and hp.iloc[0].num_mentions == len(raw) >= 2
        # raw mentions are all kept
        assert len(db.events()) == sum(len(a.events) for a in corpus)


def test_dedup_window_and_rebuild(target):
    arts = [synthetic("w1", "2021-03-01", [("IRN", "IRQ", "042")], source="A"),
            synthetic("w2", "2021-03-02", [("IRN", "IRQ", "042")], source="B"),
            synthetic("w3", "2021-03-05", [("IRN", "IRQ", "042")], source="C"),
            synthetic("w4", "2021-03-01", [("IRQ", "IRN", "042")], source="D")]
    with open_store(target) as s:
        store_articles(s, arts)
        assert s.fetchall("SELECT count(*) FROM event_clusters")[0][0] == 4  # one a day, directed dyads
        got = s.dedup(window_days=2)
        assert got["clusters"] == 3  # 03-01 and 03-02 chain; 03-05 is 3 days later
        rows = s.fetchall("SELECT date, date_end, num_articles, window_days FROM event_clusters "
                          "WHERE source_code = 'IRN' ORDER BY date")
        assert [(str(a), str(b), n, w) for a, b, n, w in rows] == [
            ("2021-03-01", "2021-03-02", 2, 2), ("2021-03-05", "2021-03-05", 1, 2)]
        assert s.dedup(window_days=7)["clusters"] == 2
    # the window is kept for later writes
    with open_store(target) as s:
        store_articles(s, [synthetic("w5", "2021-03-08", [("IRN", "IRQ", "042")], source="E")])
        assert s.fetchall("SELECT max(num_articles) FROM event_clusters WHERE source_code = 'IRN'")[0][0] == 4
    with open_store(target) as s, pytest.raises(OptionsError):
        s.dedup(window_days=0)


# -- queries -------------------------------------------------------------------------------------------------------

def test_query_seed_dyad_code_since(target, seed):
    with open_store(target) as s:
        store_articles(s, [seed])

    def matches(side, prefix):
        return side is not None and (side.code.startswith(prefix) or side.country == prefix)

    expected = {e.event_id for e in seed.events if matches(e.source, "RUS") and matches(e.target, "USA")
                and e.cameo.startswith("04") and e.date and e.date >= "2012-07-01"}
    assert expected, "the seed page reports Russia-US consultations"
    with parley.open(target) as db:
        df = db.events(dyad="RUS,USA", code="04", since="2012-07-01")
        assert set(df.event_id) == expected
        assert all(c.startswith("04") for c in df.cameo)
        assert db.events(dyad="RUS,USA", code="04", since="2012-07-20").empty
        assert set(db.arrow(dyad="RUS,USA", code="04").column("event_id").to_pylist()) >= expected
        assert len(db.events(limit=2)) == 2


def test_filters(target):
    geneva = {"name": "Geneva", "country": "CHE"}
    arts = [synthetic("f1", "2022-01-10", [("RUSGOV", "USAGOV", "042"), ("RUS", "UKR", "190")], location=geneva),
            synthetic("f2", "2022-02-10", [("USA", "RUSMIL", "112"), ("CHN", None, "010")])]
    with open_store(target) as s:
        store_articles(s, arts)
    with parley.open(target) as db:
        ids = lambda **f: set(db.events(**f).event_id)  # noqa: E731
        assert ids(source="RUS") == {"f1-0", "f1-1"}
        assert ids(target="RUS") == {"f2-0"}
        assert ids(source="RUS,CHN") == {"f1-0", "f1-1", "f2-1"}
        assert ids(quad=4) == {"f1-1"} and ids(quad="1,3") == {"f1-0", "f2-0", "f2-1"}
        assert ids(code="19") == {"f1-1"}
        assert ids(until="2022-01-31") == {"f1-0", "f1-1"} and ids(since="2022-02-01") == {"f2-0", "f2-1"}
        assert ids(location="CHE") == {"f1-0", "f1-1"} and ids(location="geneva") == {"f1-0", "f1-1"}
        assert ids(dyad="USA,RUS") == {"f2-0"}
        for bad in ({"quad": 5}, {"since": "last year"}, {"dyad": "RUS"}, {"code": "x1"}, {"dedup": "weekly"}):
            with pytest.raises(OptionsError):
                db.events(**bad)


def test_sql_is_read_only(target, corpus):
    with open_store(target) as s:
        store_articles(s, corpus[:1])
    n = count(target)
    with parley.open(target) as db:
        assert int(db.sql("SELECT count(*) AS n FROM events").n[0]) == n
        for stmt in ("DELETE FROM events", "DROP TABLE events", "INSERT INTO runs (run_id) VALUES ('x')",
                     "UPDATE events SET cameo = '190'", "SELECT 1; DELETE FROM events", "CREATE TABLE t (x INT)",
                     "WITH x AS (DELETE FROM events RETURNING *) SELECT count(*) FROM x"):
            with pytest.raises(ReadOnlyQueryError):
                db.sql(stmt)
        if not target.startswith("postgresql"):  # DuckDB: user SQL may not read files either
            with pytest.raises(StoreError):
                db.sql(f"SELECT * FROM read_csv('{CORPUS}')")
        assert int(db.sql("SELECT count(*) AS n FROM events").n[0]) == n
    assert count(target) == n


# -- concurrency and migrations ------------------------------------------------------------------------------------

def test_one_writer_readers_never_block(target):
    writer = open_store(target)
    try:
        with pytest.raises(StoreError, match="one writer at a time"):
            open_store(target)
        store_articles(writer, [synthetic("c1", "2023-05-01", [("DEU", "FRA", "036")])])
        with parley.open(target) as db:  # while the writer is still open
            assert list(db.events().event_id) == ["c1-0"]
    finally:
        writer.close()
    with open_store(target) as s:  # the lock is gone with the writer
        assert s.schema_version() == LATEST


def _old_store(target: str) -> None:
    """A store as the first parley release wrote it: schema version 1, one article, two events."""
    from parley.store.schema import MIGRATIONS, render

    v1 = MIGRATIONS[0]
    loc = '{"name": "Kyiv", "country": "UKR"}'
    rows = [
        "INSERT INTO runs VALUES ('old', TIMESTAMP '2020-01-01 00:00:00', NULL, '[]', '{}', 1, 2, 0, 'done')",
        "INSERT INTO articles VALUES ('old-1', 'old', 'old.txt', NULL, 'Old', 'Old Desk', DATE '2020-01-01', "
        "'record', NULL, 'abc', 2, 2)",
        "INSERT INTO events (event_id, run_id, article_id, sentence_index, sentence, date, source_code, target_code, "
        "cameo, root, quad_class, goldstein, location) VALUES "
        f"('o1', 'old', 'old-1', 0, 's', DATE '2020-01-01', 'RUS', 'UKR', '190', '19', 4, -10.0, '{loc}'), "
        "('o2', 'old', 'old-1', 1, 's', DATE '2020-01-01', 'RUS', 'UKR', '190', '19', 4, -10.0, NULL)",
    ]
    if target.startswith("postgresql://"):
        import psycopg

        from parley.store.pg import PgStore

        with psycopg.connect(target, autocommit=True) as con:
            con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
            for sql in v1.statements:
                con.execute(render(sql, PgStore.types))
            for sql in rows:
                con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (1, now())")
    else:
        import duckdb

        from parley.store.duck import DuckStore

        con = duckdb.connect(target)
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
        for sql in v1.statements:
            con.execute(render(sql, DuckStore.types))
        for sql in rows:
            con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (1, now())")
        con.close()


def test_upgrade_old_store(target):
    _old_store(target)
    with parley.open(target) as db:  # a reader upgrades an old store once, then reads it
        assert db.store.schema_version() == LATEST
        df = db.events()
        assert set(df.event_id) == {"o1", "o2"}
        assert df.set_index("event_id").loc["o1", "location_country"] == "UKR"
        assert list(db.articles().story_id) == ["old-1"]
    with open_store(target) as s:  # and it takes new articles and builds clusters
        store_articles(s, [synthetic("new-1", "2020-01-01", [("RUS", "UKR", "190")], source="New Desk")])
        rows = s.fetchall("SELECT num_mentions, num_articles, num_sources FROM event_clusters WHERE cameo = '190'")
        assert rows == [(3, 2, 2)]
        assert [r[0] for r in s.fetchall("SELECT version FROM schema_migrations ORDER BY version")] == \
            list(range(1, LATEST + 1))


def test_polars_when_installed(target):
    pl = pytest.importorskip("polars")
    with open_store(target) as s:
        store_articles(s, [synthetic("p1", "2023-01-01", [("GBR", "IRL", "057")])])
    with parley.open(target) as db:
        df = db.polars()
        assert isinstance(df, pl.DataFrame) and df["event_id"].to_list() == ["p1-0"]


def test_open_missing_store(tmp_path: Path):
    with pytest.raises(StoreError, match="no store"):
        parley.open(str(tmp_path / "nothing.duckdb"))


def _python(code: str, *args: str, wait: bool = True):
    import subprocess
    import sys

    cmd = [sys.executable, "-c", code, *args]
    if not wait:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_other_processes_read_while_writing(target):
    writer = open_store(target)
    try:
        store_articles(writer, [synthetic("x1", "2023-06-01", [("ISR", "EGY", "043")])])
        read = _python("import sys, parley; print(len(parley.open(sys.argv[1]).events()))", target)
        assert read.returncode == 0, read.stderr
        assert read.stdout.strip() == "1"
        second = _python("import sys; from parley.store import open_store; open_store(sys.argv[1])", target)
        assert second.returncode != 0 and "one writer at a time" in second.stderr
    finally:
        writer.close()


def test_duckdb_writer_waits_for_readers(tmp_path):
    import time

    path = str(tmp_path / "w.duckdb")
    with open_store(path) as s:
        store_articles(s, [synthetic("r1", "2023-06-01", [("ISR", "EGY", "043")])])
    reader = _python("import sys, time, duckdb; c = duckdb.connect(sys.argv[1], read_only=True); print('open', "
                     "flush=True); time.sleep(1.5); c.close()", path, wait=False)
    assert reader.stdout.readline().strip() == "open"
    t0 = time.monotonic()
    with open_store(path) as s:  # waits for the reader to close, then writes
        store_articles(s, [synthetic("r2", "2023-06-02", [("ISR", "EGY", "043")])])
    assert time.monotonic() - t0 < 10
    assert reader.wait(timeout=30) == 0
    assert count(path) == 2
