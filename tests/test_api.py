"""The HTTP API (parley.web) on a store holding examples/ and the seed page: FastAPI TestClient tests."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


class PipelineCoder:
    """A Coder over the session's loaded pipeline (one spaCy load for the whole test session)."""

    def __init__(self, pipeline):
        self.pipeline = pipeline
        self.calls = 0

    def code_article(self, text, date=None, title=None):
        self.calls += 1
        return self.pipeline.code_text(text, date=date, title=title)


def build_store(path: Path, pipeline, options, inputs: list[Path]) -> Path:
    """Code ``inputs`` into a new DuckDB store at ``path`` with the session pipeline."""
    from parley.ingest import iter_inputs
    from parley.model import Article
    from parley.store import open_store

    store = open_store(str(path))
    try:
        run = store.start_run([str(i) for i in inputs], options.to_dict())
        n_art = n_ev = 0
        for item in pipeline.process(iter_inputs([str(i) for i in inputs], options)):
            if isinstance(item, Article):
                store.add_article(item, run)
                n_art += 1
                n_ev += len(item.events)
        store.finish_run(run, n_art, n_ev, 0)
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, pipeline, options, seed_path):
    return build_store(tmp_path_factory.mktemp("api") / "web.duckdb", pipeline, options,
                       [REPO / "examples", seed_path])


@pytest.fixture(scope="module")
def coder(pipeline):
    return PipelineCoder(pipeline)


@pytest.fixture(scope="module")
def client(store_path, coder):
    from parley.web import create_app

    return TestClient(create_app(str(store_path), token_from_env=False, coder=coder))


def assert_error_shape(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert err["status"] == status and isinstance(err["code"], str) and err["message"]
    return err


# -- events ----------------------------------------------------------------------------------------------------

def test_events_page_and_total(client):
    r = client.get("/api/events", params={"limit": 5})
    assert r.status_code == 200
    page = r.json()
    assert page["level"] == "raw" and page["total"] >= 50 and len(page["items"]) == 5
    nxt = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert not {e["id"] for e in page["items"]} & {e["id"] for e in nxt["items"]}
    assert nxt["total"] == page["total"]


def test_events_dyad_filter_matches_query_api(client, store_path):
    import parley

    r = client.get("/api/events", params={"dyad": "RUS,USA", "limit": 100}).json()
    assert r["total"] >= 1
    for e in r["items"]:
        assert e["source_code"].startswith("RUS") and e["target_code"].startswith("USA")
    with parley.open(str(store_path)) as db:
        df = db.events(dyad="RUS,USA")
    assert set(df["event_id"]) == {e["event_id"] for e in r["items"]}


def test_events_code_since_quad_and_sort(client):
    r = client.get("/api/events", params={"dyad": "RUS,USA", "code": "04", "since": "2012-07-01"}).json()
    assert r["items"] and all(e["cameo"].startswith("04") and e["date"] >= "2012-07-01" for e in r["items"])
    quads = {e["quad_class"] for e in client.get("/api/events", params={"limit": 1000}).json()["items"]}
    for quad in quads:
        q = client.get("/api/events", params={"quad": str(quad), "limit": 1000}).json()
        assert q["items"] and all(e["quad_class"] == quad for e in q["items"])
    other = ",".join(str(x) for x in {1, 2, 3, 4} - quads)
    if other:
        assert client.get("/api/events", params={"quad": other}).json()["total"] == 0
    asc = client.get("/api/events", params={"sort": "goldstein", "limit": 1000}).json()["items"]
    vals = [e["goldstein"] for e in asc if e["goldstein"] is not None]
    assert vals == sorted(vals) and vals[0] < vals[-1]
    desc = client.get("/api/events", params={"sort": "-date", "limit": 1000}).json()["items"]
    dates = [e["date"] for e in desc if e["date"]]
    assert dates == sorted(dates, reverse=True)


def test_events_dedup_levels(client):
    raw = client.get("/api/events", params={"limit": 1}).json()["total"]
    day = client.get("/api/events", params={"dedup": "day", "limit": 1000}).json()
    assert day["level"] == "day" and 0 < day["total"] <= raw
    assert all(e["num_articles"] >= 1 and e["id"] == e["first_event_id"] for e in day["items"])


def test_event_detail_explains_the_code(client):
    items = client.get("/api/events", params={"dyad": "RUS,USA", "code": "04"}).json()["items"]
    full = 0
    for first in items:
        d = client.get(f"/api/events/{first['id']}").json()
        ev, ex = d["event"], d["explanation"]
        assert ev["event_id"] == first["id"] and d["article"]["article_id"] == ev["article_id"]
        assert ex["rule"]["file"].startswith("data/verbs/") and ex["rule"]["line"] > 0 and ex["rule"]["pattern"]
        assert ex["sentence"] == ev["sentence"]
        roles = {s["role"]: s for s in ex["spans"]}
        for role, s in roles.items():  # every span points at its words in the sentence
            assert ex["sentence"][s["start"]:s["end"]] == s["text"]
        assert roles["verb"]["text"].lower() == ev["verb_text"].lower()
        if {"source", "target"} <= set(roles):
            full += 1
            assert ev["source_text"].endswith(roles["source"]["text"])
            assert ev["target_text"].endswith(roles["target"]["text"])
    assert full >= 1


def test_event_trace_recodes_with_entries(client, coder):
    first = client.get("/api/events", params={"dyad": "RUS,USA", "code": "04"}).json()["items"][0]
    d = client.get(f"/api/events/{first['id']}", params={"trace": "true"}).json()
    t = d["trace"]
    assert coder.calls >= 1
    if "spans" in t:  # reproduced (or nearest) event from the sentence alone: exact spans and KB entries
        assert t["exact_spans"] and any(a["entry"] for a in t["actors"])
    else:
        assert t["reproduced"] is False


def test_article_view_highlights(client):
    arts = client.get("/api/articles").json()
    ids = [a["article_id"] for a in arts["items"]]
    assert "putin_obama_2012-07-19" in ids and arts["total"] == len(ids)
    d = client.get("/api/articles/putin_obama_2012-07-19").json()
    assert d["article"]["title"] and d["events"] and d["sentences"]
    for s in d["sentences"]:
        for sp in s["spans"]:
            assert s["text"][sp["start"]:sp["end"]] == sp["text"]
    assert any(sp["role"] == "verb" for s in d["sentences"] for sp in s["spans"])
    assert all(e["explanation"]["rule"]["file"] for e in d["events"])


def test_actors_and_stats(client):
    actors = client.get("/api/actors", params={"limit": 500}).json()
    codes = {a["code"] for a in actors}
    assert {"RUSGOV", "USAGOV"} <= codes
    assert all(a["events"] == a["as_source"] + a["as_target"] for a in actors)
    assert client.get("/api/actors", params={"q": "rus"}).json()[0]["code"].startswith("RUS")
    tl = client.get("/api/stats/timeline", params={"by": "month", "split": 3}).json()
    allp = tl["series"][0]["points"]
    total = client.get("/api/events", params={"limit": 1}).json()["total"]
    dated = sum(p["events"] for p in allp)
    assert 0 < dated <= total and len(tl["series"]) == 4
    for s in tl["series"][1:]:
        n = client.get("/api/events", params={"source": s["source"], "target": s["target"], "limit": 1}).json()["total"]
        assert sum(p["events"] for p in s["points"]) <= n
    dy = client.get("/api/stats/dyads", params={"limit": 500}).json()
    ids = {n["id"] for n in dy["nodes"]}
    assert dy["edges"] and all(e["source"] in ids and e["target"] in ids for e in dy["edges"])
    assert all(e["quad_class"] in (1, 2, 3, 4) and sum(e["quads"].values()) == e["events"] for e in dy["edges"])
    locs = client.get("/api/stats/locations").json()
    assert locs and all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in locs)
    geo = client.get("/api/geo/countries").json()
    assert len(geo["countries"]) > 100 and any(c["iso3"] == "RUS" for c in geo["countries"])


# -- coding text -------------------------------------------------------------------------------------------------

def test_code_text_returns_events_with_explanations(client):
    r = client.post("/api/code", json={"text": "China and Japan held talks in Beijing on Monday.", "date": "2024-03-06"})
    assert r.status_code == 200, r.text
    body = r.json()
    evs = body["events"]
    assert evs and {(e["source"]["code"], e["target"]["code"]) for e in evs} >= {("CHN", "JPN")}
    ex = evs[0]["explanation"]
    assert ex["exact_spans"] and ex["rule"]["file"] and all(a["entry"] for a in ex["actors"])
    spans = {s["role"]: s["text"] for s in ex["spans"]}
    assert spans["verb"] == "held" and {spans["source"], spans["target"]} == {"China", "Japan"}
    assert {m["code"] for m in body["mentions"]} >= {"CHN", "JPN"}


def test_code_size_limit(client):
    from parley.web import MAX_TEXT

    err = assert_error_shape(client.post("/api/code", json={"text": "a" * (MAX_TEXT + 1)}), 422)
    assert "text" in err["message"]
    assert_error_shape(client.post("/api/code", content=b"x" * (5 * MAX_TEXT),
                                   headers={"content-type": "application/json"}), 413)


# -- errors and security -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/api/events?dyad=RUS", "/api/events?quad=7", "/api/events?since=yesterday", "/api/events?limit=0",
    "/api/events?limit=abc", "/api/events?offset=-1", "/api/events?sort=nope", "/api/events?code=ab",
    "/api/events?dedup=weekly", "/api/stats/timeline?by=decade", "/api/stats/dyads?limit=-5",
    "/api/events?source=%00", "/api/actors?limit=1e9", "/api/articles?q=%27%3B%20DROP%20TABLE%20events",
])
def test_malformed_parameters_get_4xx_json(client, url):
    r = client.get(url)
    assert 400 <= r.status_code < 500, (url, r.status_code, r.text)
    assert_error_shape(r, r.status_code)


def test_not_found_and_bad_body(client):
    assert_error_shape(client.get("/api/events/0000000000000000"), 404)
    assert_error_shape(client.get("/api/articles/no-such-article"), 404)
    assert_error_shape(client.get("/api/nothing-here"), 404)
    assert_error_shape(client.post("/api/code", content=b"{not json", headers={"content-type": "application/json"}), 422)
    assert_error_shape(client.post("/api/code", json={"text": "x", "date": "2023-02-30"}), 422)


def test_token_required_for_code_when_set(store_path, coder):
    from parley.web import create_app

    c = TestClient(create_app(str(store_path), token="s3cret", coder=coder))
    assert c.get("/api/events", params={"limit": 1}).status_code == 200  # reads open on localhost
    err = assert_error_shape(c.post("/api/code", json={"text": "Russia and China held talks."}), 401)
    assert "PARLEY_API_TOKEN" in err["message"]
    assert_error_shape(c.post("/api/code", json={"text": "Russia held talks."}, headers={"Authorization": "Bearer no"}), 401)
    ok = c.post("/api/code", json={"text": "Russia and China held talks."}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert c.post("/api/code", json={"text": "Russia and China held talks."},
                  headers={"X-Parley-Token": "s3cret"}).status_code == 200


def test_token_from_environment_and_closed_reads(store_path, coder, monkeypatch):
    from parley.web import TOKEN_ENV, create_app

    monkeypatch.setenv(TOKEN_ENV, "envtoken")
    c = TestClient(create_app(str(store_path), coder=coder, reads_open=False))
    assert_error_shape(c.get("/api/events"), 401)
    assert c.get("/api/events", headers={"Authorization": "Bearer envtoken"}).status_code == 200
    assert c.get("/").status_code == 200  # the page itself carries no data


def test_refuses_non_loopback_bind_without_token():
    from parley.errors import OptionsError
    from parley.web import check_bind, is_loopback

    for host in ("0.0.0.0", "192.168.1.5", "::", "example.org"):
        assert not is_loopback(host)
        with pytest.raises(OptionsError, match="PARLEY_API_TOKEN"):
            check_bind(host, None)
        check_bind(host, "tok")
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_bind(host, None)


def test_serve_cli_refuses_public_bind(store_path, monkeypatch):
    from typer.testing import CliRunner

    from parley.cli import app

    monkeypatch.delenv("PARLEY_API_TOKEN", raising=False)
    res = CliRunner().invoke(app, ["serve", "--db", str(store_path), "--host", "0.0.0.0", "--port", "1"])
    assert res.exit_code == 2
    assert "refusing" in res.output


def test_missing_store_is_one_error_shape(tmp_path):
    from parley.web import create_app

    c = TestClient(create_app(str(tmp_path / "none.duckdb"), token_from_env=False))
    assert_error_shape(c.get("/api/events"), 503)


def test_ui_and_docs_are_offline(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    for name in ("app.js", "style.css", "docs.html"):
        body = client.get(f"/static/{name}").text
        assert "http://" not in body.replace("http://www.w3.org/2000/svg", "") and "https://" not in body
    assert "https://" not in page.text and "http://" not in page.text
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/actors", "/api/stats/timeline", "/api/stats/dyads",
            "/api/articles/{article_id}", "/api/code"} <= set(schema["paths"])
    assert_error_shape(client.get("/static/..%2Fapp.py"), 404)
