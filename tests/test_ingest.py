"""Ingest: every input format, chrome filtering, stamps, streaming, bad records."""
from __future__ import annotations

import gzip
import io
import json
import tracemalloc
from pathlib import Path

import pytest

from parley.errors import InputError
from parley.ingest import clean_article, iter_inputs
from parley.ingest.readers import read_stdin, read_text_bytes
from parley.model import Article, ErrorRecord
from parley.options import build_options

OPTS = build_options()

PAGE = """<html><head><title>Kenya and Ethiopia agree on border patrols | Daily Example</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="share">Comments() Print Mail Large Medium Small</div>
<p class="stamp">Updated: 2021-03-04 10:15</p>
<article>
<h1>Kenya and Ethiopia agree on border patrols</h1>
<p>NAIROBI - Kenya and Ethiopia agreed on Wednesday to run joint patrols along their shared border after a
series of cattle raids, the Kenyan foreign ministry said in a statement released in the capital.</p>
<p>The two governments will meet again next month in Addis Ababa to review the arrangement, officials said,
adding that both sides had pledged to share information about armed groups operating in the area.</p>
<p>Residents of the border towns welcomed the move, saying raids had displaced hundreds of families.</p>
</article>
<ul class="related"><li>Related: Drought deepens in the Horn of Africa</li></ul>
<footer>Copyright 2021 Daily Example. All rights reserved.</footer>
</body></html>"""


def _items(paths):
    return list(iter_inputs([str(p) for p in paths], OPTS))


def test_plain_text_title_stamp_and_chrome(tmp_path: Path):
    p = tmp_path / "story.txt"
    p.write_text("Leaders meet in Geneva\n\nUpdated: 2019-05-06 08:02\n\n  Comments() Print Mail Large Medium  Small 0\n\n"
                 "GENEVA - The foreign ministers of France and Germany met on Sunday.\n", encoding="utf-8")
    [art] = _items([p])
    art = clean_article(art, OPTS)
    assert art.title == "Leaders meet in Geneva"
    assert art.date == "2019-05-06" and art.date_source == "stamp"
    assert art.dateline["place"] == "GENEVA"
    assert "Comments" not in art.body and "Print" not in art.body
    assert art.body.startswith("The foreign ministers of France")


def test_html_page_with_chrome(tmp_path: Path):
    p = tmp_path / "page.html"
    p.write_text(PAGE, encoding="utf-8")
    [art] = _items([p])
    art = clean_article(art, OPTS)
    assert "agreed on Wednesday to run joint patrols" in art.body
    for chrome in ("Comments()", "Print Mail", "Copyright", "Home"):
        assert chrome not in art.body
    assert art.date == "2021-03-04"
    assert art.title and "Kenya and Ethiopia" in art.title


def test_jsonl_gz_csv_and_ids(tmp_path: Path):
    recs = [{"id": "a1", "date": "2020-01-02", "title": "T1", "text": "France criticized Italy on Monday."},
            {"text": "Spain praised Portugal."},
            {"id": "bad"},  # no text
            ]
    jl = tmp_path / "c.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in recs) + "\n{not json\n", encoding="utf-8")
    gz = tmp_path / "c2.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(recs[0]) + "\n")
    csvp = tmp_path / "c3.csv"
    csvp.write_text('id,date,text\nx9,2020-02-03,"Chile, Peru and Bolivia met in Lima."\n', encoding="utf-8")
    items = _items([jl, gz, csvp])
    arts = [i for i in items if isinstance(i, Article)]
    errs = [i for i in items if isinstance(i, ErrorRecord)]
    assert [a.id for a in arts] == ["a1", "c:2", "a1", "x9"]
    assert arts[0].date == "2020-01-02" and arts[0].date_source == "record"
    assert arts[3].text.startswith("Chile, Peru")
    assert sorted(e.reason for e in errs) == ["empty", "parse"]
    assert all(":" in e.origin for e in errs)  # record-level origin (file:line)


def test_folder_recursive_and_missing(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("Iran warned Iraq.", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.txt").write_text("Iraq warned Iran.", encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text("Ignored.", encoding="utf-8")
    items = _items([tmp_path / "a", tmp_path / "nope.txt"])
    arts = [i for i in items if isinstance(i, Article)]
    assert sorted(i.text for i in arts) == ["Iran warned Iraq.", "Iraq warned Iran."]
    assert sorted(a.id for a in arts) == ["b/two", "one"]
    assert [i.reason for i in items if isinstance(i, ErrorRecord)] == ["missing"]


def test_rss_feed(tmp_path: Path):
    feed = tmp_path / "f.rss"
    feed.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>X</title>
<item><title>One</title><link>https://example.org/1</link><pubDate>Tue, 03 Mar 2020 10:00:00 GMT</pubDate>
<description>Egypt hosted Sudan for talks.</description></item>
<item><title>Two</title><link>https://example.org/2</link><description>Chad accused Niger.</description></item>
</channel></rss>""", encoding="utf-8")
    arts = [i for i in _items([feed]) if isinstance(i, Article)]
    assert [a.title for a in arts] == ["One", "Two"]
    assert arts[0].url == "https://example.org/1"
    assert clean_article(arts[0], OPTS).date == "2020-03-03"


def test_stdin_text_and_jsonl():
    arts = list(read_stdin(OPTS, io.BufferedReader(io.BytesIO(b"Japan thanked Korea."))))
    assert arts[0].text == "Japan thanked Korea."
    arts = list(read_stdin(OPTS, io.BufferedReader(io.BytesIO(b'{"id": "s1", "text": "Peru thanked Chile."}\n'))))
    assert arts[0].id == "s1"


@pytest.mark.parametrize("data,reason", [
    (b"\x00\x01\x02binary", "binary"),
    (b"caf\xe9 au lait", "encoding"),
    (b"   \n\n", "empty"),
])
def test_bad_bytes(data, reason):
    with pytest.raises(InputError) as exc:
        read_text_bytes(data, "x", 1000)
    assert exc.value.reason == reason


def test_too_large_is_refused_without_reading(tmp_path: Path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(OPTS.max_article_bytes + 10)
    [err] = _items([big])
    assert isinstance(err, ErrorRecord) and err.reason == "too_large"


def test_jsonl_is_streamed(tmp_path: Path):
    p = tmp_path / "many.jsonl"
    line = json.dumps({"text": "Norway praised Sweden for its mediation efforts. " * 4}) + "\n"
    with p.open("w", encoding="utf-8") as fh:
        for _ in range(100_000):
            fh.write(line)
    size = p.stat().st_size
    tracemalloc.start()
    it = iter_inputs([str(p)], OPTS)
    first = [next(it) for _ in range(50)]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(first) == 50
    assert peak < size / 20, f"reading 50 records used {peak} bytes of a {size}-byte file"
