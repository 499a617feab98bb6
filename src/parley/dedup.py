"""Deduplication of events, at three levels (all kept; the raw ``events`` table is never changed):

1. **Within an article** — the same date, source, target and CAMEO code mentioned several times in one
   article is one row of the ``article_events`` view, with ``num_mentions``.
2. **Across articles, one a day** — the same source, target and code on the same day (or, with a window of
   *W* days, within *W* days of the previous report of it) is one row of ``event_clusters``:
   ``num_mentions`` (every mention), ``num_articles`` (distinct articles), ``num_stories`` (distinct articles
   once near-duplicates are merged), ``num_sources`` (distinct outlets of those stories: a syndicated copy adds
   no source), ``num_outlets`` (every outlet that printed it), and the first-seen article, event and sentence.
3. **Near-duplicate articles** — the same wire story under other URLs or outlets. Each article gets a MinHash
   signature of its word 4-shingles when stored; locality-sensitive hashing (32 bands of 4 rows) finds
   candidates and the estimated Jaccard similarity decides (``threshold``, default 0.5). Such an article joins
   the *story* of the earlier one (``articles.story_id``); a story is counted once in ``num_stories`` and
   ``num_sources``.

The store keeps the clusters up to date at the end of every write; :func:`rebuild` (``parley dedup``)
recomputes stories and clusters from scratch, with another window or threshold if asked.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .store.base import BaseStore

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 4
_PRIME = np.uint64((1 << 31) - 1)
_rng = np.random.RandomState(20120719)  # fixed: signatures must be comparable across runs and machines
_A = _rng.randint(1, (1 << 31) - 1, size=NUM_PERM).astype(np.uint64)
_B = _rng.randint(0, (1 << 31) - 1, size=NUM_PERM).astype(np.uint64)
del _rng
_WORD = re.compile(r"\w+")

DEFAULT_WINDOW = 1
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class DedupSettings:
    window_days: int = DEFAULT_WINDOW  # 1 = one a day
    threshold: float = DEFAULT_THRESHOLD  # Jaccard similarity above which two articles are one story

    def __post_init__(self) -> None:
        from .errors import OptionsError

        if not isinstance(self.window_days, int) or self.window_days < 1:
            raise OptionsError(f"dedup window must be a whole number of days >= 1, not {self.window_days!r}")
        if not 0.0 < float(self.threshold) <= 1.0:
            raise OptionsError(f"near-duplicate threshold must be in (0, 1], not {self.threshold!r}")


# -- near-duplicate articles: MinHash + LSH ---------------------------------------------------------------------

def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def minhash(text: str) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32 values) of a text's word shingles; None for an empty text."""
    sh = shingles(text)
    if not sh:
        return None
    x = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in sh), dtype=np.uint64, count=len(sh))
    vals = (x[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return vals.min(axis=0).astype(np.uint32)


def to_hex(sig: np.ndarray | None) -> str | None:
    return None if sig is None else sig.astype(">u4").tobytes().hex()


def from_hex(h: str | None) -> np.ndarray | None:
    if not h:
        return None
    return np.frombuffer(bytes.fromhex(h), dtype=">u4").astype(np.uint32)


def band_keys(sig: np.ndarray | None) -> list[str]:
    """LSH band keys: articles sharing one are near-duplicate candidates."""
    if sig is None:
        return []
    raw = sig.astype(">u4").tobytes()
    step = ROWS * 4
    return [f"{b:02d}:{zlib.crc32(raw[b * step:(b + 1) * step]):08x}" for b in range(BANDS)]


def similarity(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Estimated Jaccard similarity of the two signatures' shingle sets."""
    if a is None or b is None:
        return 0.0
    return float(np.mean(a == b))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            nxt = self.parent.get(x, x)
            self.parent[x] = root
            x = nxt
        return root

    def union(self, a: str, b: str, order: dict[str, Any]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        # the earliest article of a group is its root (the story id)
        if order[rb] < order[ra]:
            ra, rb = rb, ra
        self.parent[rb] = ra


def assign_stories(store: "BaseStore", threshold: float) -> int:
    """Recompute ``articles.story_id`` for the whole store. Returns the number of articles that are copies."""
    order = {aid: i for i, (aid,) in enumerate(store.fetchall(
        "SELECT article_id FROM articles ORDER BY pub_date NULLS LAST, added_at NULLS LAST, article_id"))}
    pairs = store.fetchall(
        "SELECT DISTINCT a.article_id, b.article_id FROM article_bands a JOIN article_bands b "
        "ON a.band = b.band AND a.article_id < b.article_id")
    need = sorted({x for p in pairs for x in p})
    sigs: dict[str, np.ndarray | None] = {}
    for i in range(0, len(need), 500):
        chunk = need[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        for aid, h in store.fetchall(f"SELECT article_id, minhash FROM articles WHERE article_id IN ({marks})", chunk):
            sigs[aid] = from_hex(h)
    uf = _UnionFind()
    best: dict[str, float] = {}
    for a, b in pairs:
        if a not in order or b not in order:
            continue
        s = similarity(sigs.get(a), sigs.get(b))
        if s >= threshold:
            uf.union(a, b, order)
            late = b if order[b] > order[a] else a
            best[late] = max(best.get(late, 0.0), s)
    rows = []
    for aid in order:
        root = uf.find(aid)
        rows.append((aid, root, best.get(aid) if root != aid else None))
    store.set_stories(rows)
    return sum(1 for aid, root, _ in rows if aid != root)


# -- event clusters (levels 2 and 3), one SQL text for every backend -----------------------------------------------

def cluster_statements(window_days: int) -> list[str]:
    """SQL that rebuilds ``cluster_members`` and ``event_clusters`` (portable: DuckDB and PostgreSQL)."""
    w = int(window_days)
    key = "e.source_code, coalesce(e.target_code, ''), e.cameo"
    members = f"""
    INSERT INTO cluster_members (event_id, article_id, cluster_id)
    WITH ev AS (
        SELECT e.event_id, e.article_id, e.sentence_index, e.source_code, e.target_code, e.cameo,
               coalesce(e.date, a.pub_date) AS d, a.pub_date, a.added_at
        FROM events e JOIN articles a ON a.article_id = e.article_id
    ), marked AS (
        SELECT e.*, CASE WHEN row_number() OVER w = 1 THEN 1
                          WHEN d - lag(d) OVER w >= {w} THEN 1 ELSE 0 END AS brk
        FROM ev e
        WINDOW w AS (PARTITION BY {key}
                     ORDER BY d NULLS LAST, pub_date NULLS LAST, added_at NULLS LAST, article_id, sentence_index, event_id)
    ), grouped AS (
        SELECT m.*, sum(brk) OVER (PARTITION BY m.source_code, coalesce(m.target_code, ''), m.cameo
                                   ORDER BY d NULLS LAST, pub_date NULLS LAST, added_at NULLS LAST, article_id,
                                            sentence_index, event_id
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS g
        FROM marked m
    ), firsts AS (
        SELECT gr.*, min(d) OVER (PARTITION BY gr.source_code, coalesce(gr.target_code, ''), gr.cameo, g) AS d0
        FROM grouped gr
    )
    SELECT event_id, article_id,
           substr(md5(source_code || '|' || coalesce(target_code, '') || '|' || cameo || '|'
                      || coalesce(CAST(d0 AS VARCHAR), 'undated') || '|{w}'), 1, 16)
    FROM firsts
    """
    clusters = f"""
    INSERT INTO event_clusters
    WITH m AS (
        SELECT cm.cluster_id, e.*, coalesce(e.date, a.pub_date) AS d, a.pub_date, a.added_at, a.url, a.source AS outlet,
               coalesce(a.story_id, a.article_id) AS story, s.source AS story_outlet,
               row_number() OVER (PARTITION BY cm.cluster_id
                                  ORDER BY a.pub_date NULLS LAST, a.added_at NULLS LAST, e.article_id,
                                           e.sentence_index, e.event_id) AS rk
        FROM cluster_members cm
        JOIN events e ON e.event_id = cm.event_id AND e.article_id = cm.article_id
        JOIN articles a ON a.article_id = e.article_id
        LEFT JOIN articles s ON s.article_id = coalesce(a.story_id, a.article_id)
    ), agg AS (
        SELECT cluster_id, min(d) AS date, max(d) AS date_end, count(*) AS num_mentions,
               count(DISTINCT article_id) AS num_articles, count(DISTINCT story) AS num_stories,
               count(DISTINCT coalesce(story_outlet, 'story:' || story)) AS num_sources,
               count(DISTINCT coalesce(outlet, 'article:' || article_id)) AS num_outlets
        FROM m GROUP BY cluster_id
    )
    SELECT agg.cluster_id, agg.date, agg.date_end,
           f.source_code, f.source_country, f.source_sector, f.source_text,
           f.target_code, f.target_country, f.target_sector, f.target_text,
           f.cameo, f.cameo_name, f.root, f.quad_class, f.goldstein, f.plover_event, f.plover_mode, f.plover_context,
           f.location, f.location_name, f.location_country,
           CAST(agg.num_mentions AS INTEGER), CAST(agg.num_articles AS INTEGER), CAST(agg.num_stories AS INTEGER),
           CAST(agg.num_sources AS INTEGER), CAST(agg.num_outlets AS INTEGER),
           f.event_id, f.article_id, f.url, f.outlet, f.pub_date, f.sentence, f.verb_text, f.rule, {w}
    FROM agg JOIN m f ON f.cluster_id = agg.cluster_id AND f.rk = 1
    """
    return ["DELETE FROM cluster_members", "DELETE FROM event_clusters", members, clusters]


def rebuild(store: "BaseStore", window_days: int | None = None, threshold: float | None = None,
            stories: bool = True) -> dict[str, Any]:
    """Recompute near-duplicate stories (unless ``stories=False``) and event clusters. Returns counts."""
    settings = store.dedup_settings()
    settings = DedupSettings(window_days if window_days is not None else settings.window_days,
                             threshold if threshold is not None else settings.threshold)
    with store.transaction():
        copies = assign_stories(store, settings.threshold) if stories else None
        store.analyze(["articles", "events", "article_bands"])
        delete_members, delete_clusters, members, clusters = cluster_statements(settings.window_days)
        store.execute(delete_members)
        store.execute(delete_clusters)
        store.execute(members)
        store.analyze(["cluster_members"])
        store.execute(clusters)
        store.set_meta({"dedup_window": str(settings.window_days), "dedup_threshold": str(settings.threshold),
                        "clusters_dirty": "0"})
    n_clusters = store.fetchall("SELECT count(*) FROM event_clusters")[0][0]
    n_events = store.fetchall("SELECT count(*) FROM events")[0][0]
    return {"window_days": settings.window_days, "threshold": settings.threshold, "events": n_events,
            "clusters": n_clusters, "copies": copies}


def iter_chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
