"""Helpers shared by the store tests: store targets per backend, coding inputs once, synthetic articles."""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from parley.model import Actor, Article, Event

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "data" / "dedup" / "wire_story.jsonl"
BACKENDS = ["duckdb", "postgresql"]


def pg_admin_url() -> str:
    """The test server's URL (PARLEY_TEST_PG_URL, set by `make test`); skip, or fail under CI, without one."""
    url = os.environ.get("PARLEY_TEST_PG_URL")
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    why = None
    if not url:
        why = "PARLEY_TEST_PG_URL is not set (make test starts a PostgreSQL server and sets it)"
    else:
        try:
            import psycopg

            psycopg.connect(url, connect_timeout=5).close()
        except Exception as exc:  # noqa: BLE001 - any failure to reach the server
            why = f"cannot reach the PostgreSQL test server: {exc}"
    if why:
        if ci:
            pytest.fail(f"PostgreSQL tests need a server in CI: {why}")
        pytest.skip(why)
    return url  # type: ignore[return-value]


def new_target(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store target: a DuckDB file, or a new PostgreSQL database (dropped afterwards)."""
    if backend == "duckdb":
        yield str(tmp_path / "store.duckdb")
        return
    import psycopg

    admin = pg_admin_url()
    name = "parley_test_" + uuid.uuid4().hex[:10]
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    base = admin.split("?", 1)[0].rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def code_paths(pipeline: Any, paths: list[str | Path]) -> list[Article]:
    """Code inputs with the session pipeline (one spaCy load per session); errors are left out."""
    from parley.ingest import iter_inputs

    items = pipeline.process(iter_inputs([str(p) for p in paths], pipeline.options))
    return [a for a in items if isinstance(a, Article)]


def store_articles(store: Any, articles: list[Article], run_inputs: list[str] | None = None) -> int:
    """Write articles as one run (as parley.code does). Returns how many were new or changed."""
    run = store.start_run(run_inputs or ["test"], {})
    n = sum(1 for a in articles if store.add_article(a, run))
    store.finish_run(run, len(articles), sum(len(a.events) for a in articles), 0)
    return n


def actor(code: str, text: str = "") -> Actor:
    return Actor(code=code, country=code[:3], sector=code[3:] or None, text=text or code)


def synthetic(article_id: str, date: str, events: list[tuple[str, str | None, str]], source: str = "Test Desk",
              text: str | None = None, location: dict | None = None) -> Article:
    """An article with hand-made events (for store behaviour where the coder is not the point)."""
    art = Article(id=article_id, text=text or f"Synthetic article {article_id} about {events}.", source=source,
                  url=f"https://desk.example/{article_id}", date=date, origin=f"synthetic:{article_id}")
    art.body = art.text
    for i, (src, tgt, code) in enumerate(events):
        root = code[:2]
        quad = 1 if root <= "05" else 2 if root <= "08" else 3 if root <= "13" else 4
        art.events.append(Event(
            event_id=f"{article_id}-{i}", article_id=article_id, sentence_index=i, sentence=f"sentence {i}",
            source=actor(src), target=actor(tgt) if tgt else None, cameo=code, cameo_name=f"name {code}", root=root,
            quad_class=quad, goldstein=-5.0 if quad >= 3 else 3.0, plover={"event": "CONSULT", "mode": None,
                                                                             "context": None},
            rule="test", date=date, location=location))
    return art
