"""End to end in headless Chromium (Debian's chromium + chromedriver, driven by Selenium).

A live server (uvicorn, loopback) over a store holding examples/ and the seed page. The test opens the page,
filters to a dyad, opens an event and checks its highlighted sentence against the API, then visits every view
and checks its content. Screenshots go to docs/screenshots/ (referenced from the README).
`make test` installs chromium and chromium-driver when they are missing.
"""
from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from test_api import REPO, PipelineCoder, build_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = REPO / "docs" / "screenshots"

selenium = pytest.importorskip("selenium", reason="selenium not installed (make test installs the test extras)")
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("chromium/chromedriver not installed (make test installs them: apt-get install chromium "
                "chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, pipeline, options, seed_path):
    import uvicorn

    from parley.web import create_app

    db = build_store(tmp_path_factory.mktemp("web") / "web.duckdb", pipeline, options, [REPO / "examples", seed_path])
    app = create_app(str(db), token_from_env=False, coder=PipelineCoder(pipeline))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="parley-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1100", "--hide-scrollbars",
                f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def api(url: str):
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as r:  # loopback only
        return json.loads(r.read().decode("utf-8"))


def wait(drv, cond, timeout: float = 30):
    return WebDriverWait(drv, timeout, poll_frequency=0.1).until(lambda d: cond(d))


def shot(drv, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    drv.save_screenshot(str(SHOTS / f"{name}.png"))


def rows(drv):
    return drv.find_elements(By.CSS_SELECTOR, "#events-table tbody tr")


def test_browse_filter_explain_and_every_view(server, browser):
    drv = browser
    total = api(f"{server}/api/events?limit=1")["total"]
    drv.get(server + "/")
    wait(drv, lambda d: len(rows(d)) > 0)
    assert f"of {total}" in drv.find_element(By.ID, "events-count").text
    assert "events from" in drv.find_element(By.ID, "overview").text
    shot(drv, "events")

    # filter to a dyad
    dyad = drv.find_element(By.NAME, "dyad")
    dyad.clear()
    dyad.send_keys("RUS,USA")
    drv.find_element(By.ID, "apply").click()
    expect = api(f"{server}/api/events?dyad=RUS,USA&limit=50")
    assert expect["total"] >= 1
    wait(drv, lambda d: f"of {expect['total']}" in d.find_element(By.ID, "events-count").text)
    shown = rows(drv)
    assert len(shown) == len(expect["items"])
    for tr in shown:
        cells = tr.find_elements(By.TAG_NAME, "td")
        assert cells[1].text.startswith("RUS") and cells[2].text.startswith("USA")

    # open an event (the first whose source, target and verb all stand in its sentence): the sentence with the
    # actors and the verb highlighted, and the explanation
    pick = 0
    for k, item in enumerate(expect["items"]):
        if {"source", "target", "verb"} <= {s["role"] for s in api(f"{server}/api/events/{item['id']}")["explanation"]["spans"]}:
            pick = k
            break
    assert shown[pick].get_attribute("data-id") == expect["items"][pick]["id"]
    shown[pick].click()
    ev_id = shown[pick].get_attribute("data-id")
    detail = api(f"{server}/api/events/{ev_id}")
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#event-sentence mark.hl-verb"))
    box = drv.find_element(By.CSS_SELECTOR, "#event-sentence .sentence-box")
    assert box.text == detail["event"]["sentence"]
    marks = {m.get_attribute("data-role"): m.text for m in box.find_elements(By.TAG_NAME, "mark")}
    spans = {s["role"]: s["text"] for s in detail["explanation"]["spans"]}
    assert marks == spans and marks["verb"].lower() == detail["event"]["verb_text"].lower()
    panel = drv.find_element(By.ID, "event-detail").text
    rule = detail["explanation"]["rule"]
    assert f"{rule['file']}:{rule['line']}" in panel and detail["event"]["cameo"] in panel
    assert "null" not in panel.split() and "undefined" not in panel
    # trace: the sentence re-coded live (exact spans and knowledge-base entries, or why not)
    drv.find_element(By.ID, "trace-btn").click()
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#trace h3, #trace p:not(.muted), #trace p.muted + *")
         or "gives no such event" in d.find_element(By.ID, "trace").text, timeout=60)
    trace = api(f"{server}/api/events/{ev_id}?trace=true")["trace"]
    text = drv.find_element(By.ID, "trace").text
    if "spans" in trace:
        assert "Re-coded" in text and "entry" in text
    else:
        assert "gives no such event" in text
    shot(drv, "event")

    # the article, from the event's link: the same sentence highlighted, each code explained
    drv.find_element(By.ID, "open-article").click()
    art = api(f"{server}/api/articles/{detail['event']['article_id']}")
    wait(drv, lambda d: d.find_elements(By.ID, "article-title")
         and d.find_element(By.ID, "article-title").text == (art["article"]["title"] or art["article"]["article_id"]))
    sentences = drv.find_elements(By.CSS_SELECTOR, "#article-body .article-sentence")
    assert len(sentences) == len(art["sentences"])
    assert drv.find_elements(By.CSS_SELECTOR, "#article-body mark.hl-verb")
    assert "data/verbs/" in drv.find_element(By.ID, "article-body").text
    shot(drv, "article")

    # timeline of the filtered dyad: bars add up to the dated events
    drv.get(server + "/#timeline")
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline-svg rect.tl-bar"))
    drv.find_element(By.ID, "clear").click()
    tl = api(f"{server}/api/stats/timeline?by=month")
    wait(drv, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#timeline-svg rect.tl-bar")) == len(tl["series"][0]["points"]))
    assert drv.find_elements(By.CSS_SELECTOR, "#timeline-svg polyline.tl-goldstein")
    assert drv.find_elements(By.CSS_SELECTOR, "#timeline-dyads-svg polyline.tl-dyad")
    # weekly, from 2023 on
    drv.execute_script("document.querySelector('#filters [name=since]').value = '2023-01-01';"
                       "const s = document.getElementById('tl-by'); s.value = 'week';")
    drv.find_element(By.ID, "apply").click()
    weekly = api(f"{server}/api/stats/timeline?by=week&since=2023-01-01")
    wait(drv, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#timeline-svg rect.tl-bar")) == len(weekly["series"][0]["points"]))
    shot(drv, "timeline")
    drv.find_element(By.ID, "clear").click()

    # network: one edge per dyad, coloured by quad class; clicking an edge filters the events to it
    drv.get(server + "/#network")
    dy = api(f"{server}/api/stats/dyads?limit=80")
    wait(drv, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#network-svg path.edge")) == len(dy["edges"]))
    labels = {t.text for t in drv.find_elements(By.CSS_SELECTOR, "#network-svg text.node-label")}
    assert labels == {n["id"] for n in dy["nodes"]}
    shot(drv, "network")

    # map: country outlines from package data and one point per place
    drv.get(server + "/#map")
    places = api(f"{server}/api/stats/locations?limit=500")
    wait(drv, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#map-svg circle.map-point")) == len(places))
    assert len(drv.find_elements(By.CSS_SELECTOR, "#map-svg path.map-land")) > 100
    names = {c.get_attribute("data-name") for c in drv.find_elements(By.CSS_SELECTOR, "#map-svg circle.map-point")}
    assert places[0]["name"] in names
    shot(drv, "map")

    # code this text
    drv.get(server + "/#code")
    box = wait(drv, lambda d: d.find_element(By.ID, "code-text"))
    box.send_keys("China and Japan held talks in Beijing on Monday. Russia criticized NATO on Tuesday.")
    drv.execute_script("document.getElementById('code-date').value = '2024-03-06'")
    drv.find_element(By.ID, "code-run").click()
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#code-result .code-event"), timeout=60)
    first = drv.find_element(By.CSS_SELECTOR, "#code-result .code-event")
    marks = {m.get_attribute("data-role"): m.text for m in first.find_elements(By.CSS_SELECTOR, ".sentence-box mark")}
    assert marks.get("verb") == "held" and {marks.get("source"), marks.get("target")} == {"China", "Japan"}
    assert "data/verbs/" in first.text
    shot(drv, "code")

    # back to events through a network edge: the filter is that dyad (a fresh page load: no stale drawing)
    drv.get(server + "/?again=1#network")
    edge = wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#network-svg path.edge"))[0]
    src, tgt = edge.get_attribute("data-source"), edge.get_attribute("data-target")
    drv.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", edge)
    wait(drv, lambda d: d.find_element(By.NAME, "dyad").get_attribute("value") == f"{src},{tgt}" and len(rows(d)) > 0)
    n = api(f"{server}/api/events?dyad={src},{tgt}&limit=1")["total"]
    wait(drv, lambda d: f"of {n}" in d.find_element(By.ID, "events-count").text)
