"""``parley export``: write stored events as Parquet, CSV, JSON Lines, PLOVER JSON Lines or a GDELT-style TSV.

Formats (see docs/store.md for the field lists):

* ``parquet`` / ``csv`` / ``jsonl`` — the rows of ``parley query`` (raw events, or clusters with ``dedup``).
* ``plover`` — one JSON object per event with the PLOVER field names (:data:`PLOVER_FIELDS`). Events whose CAMEO
  code has no PLOVER event are left out (counted in the return value).
* ``gdelt`` — GDELT 2.0 event-table columns (:data:`GDELT_COLUMNS`), tab-separated with a header row, one row per
  deduplicated event cluster (GDELT's events are deduplicated and carry mention/source/article counts).
"""
from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ..errors import OptionsError

EXPORT_FORMATS = ("parquet", "csv", "jsonl", "plover", "gdelt")

PLOVER_FIELDS = ["id", "date", "actor", "actor_name", "actor_country", "actor_sector", "recipient", "recipient_name",
                 "recipient_country", "recipient_sector", "event", "mode", "context", "event_loc", "event_text",
                 "cameo", "goldstein", "quad_class", "source", "url", "publication_date", "article_id",
                 "num_mentions", "num_articles", "num_sources", "version"]
PLOVER_REQUIRED = ["id", "date", "actor", "recipient", "event", "mode", "context", "event_loc", "event_text"]
PLOVER_EVENTS = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                 "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}

_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code"]
_GEO = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
GDELT_COLUMNS = (["GlobalEventID", "Day", "MonthYear", "Year", "FractionDate"]
                 + [f"Actor1{c}" for c in _ACTOR] + [f"Actor2{c}" for c in _ACTOR]
                 + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                    "NumMentions", "NumSources", "NumArticles", "AvgTone"]
                 + [f"Actor1Geo_{c}" for c in _GEO] + [f"Actor2Geo_{c}" for c in _GEO]
                 + [f"ActionGeo_{c}" for c in _GEO] + ["DATEADDED", "SOURCEURL"])
IGO_PREFIXES = ("IGO", "NGO", "IMG", "MNC")


def _iso(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return v


def _json_default(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return str(v)


def _loc(v: Any) -> dict[str, Any] | None:
    if not v:
        return None
    try:
        d = json.loads(v) if isinstance(v, str) else v
    except ValueError:
        return None
    return d if isinstance(d, dict) else None


def _open(out: str | None) -> tuple[IO[str], bool]:
    import sys

    if out in (None, "-"):
        return sys.stdout, False
    return open(out, "w", encoding="utf-8", newline=""), True


def export(db: Any, fmt: str, out: str | None, **filters: Any) -> dict[str, int]:
    """Write events of ``db`` (a :class:`parley.query.EventStore`) matching ``filters``. Returns counts."""
    from .. import __version__

    if fmt not in EXPORT_FORMATS:
        raise OptionsError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        if out in (None, "-"):
            raise OptionsError("parquet export needs a file: use --out FILE.parquet")
        import pyarrow.parquet as pq

        tbl = db.arrow(**filters)
        pq.write_table(tbl, str(Path(out)))
        return {"rows": tbl.num_rows, "skipped": 0}
    if fmt == "gdelt":
        filters["dedup"] = True
        return _gdelt(db, out, **filters)
    rows = db.arrow(**filters).to_pylist()
    fh, close = _open(out)
    skipped = 0
    try:
        if fmt == "csv":
            cols = list(rows[0]) if rows else []
            w = csv.writer(fh)
            w.writerow(cols)
            for r in rows:
                w.writerow([_iso(r[c]) for c in cols])
        elif fmt == "jsonl":
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False, default=_json_default) + "\n")
        else:  # plover
            for r in rows:
                rec = plover_record(r, __version__)
                if rec is None:
                    skipped += 1
                    continue
                fh.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
    finally:
        if close:
            fh.close()
        else:
            fh.flush()
    return {"rows": len(rows) - skipped, "skipped": skipped}


def plover_record(r: dict[str, Any], version: str) -> dict[str, Any] | None:
    """One PLOVER record from a query row (raw event or cluster); None when the code has no PLOVER event."""
    event = r.get("plover_event")
    if not event:
        return None
    ctx = r.get("plover_context")
    clustered = "cluster_id" in r
    return {
        "id": r.get("cluster_id") if clustered else r.get("event_id"),
        "date": _iso(r.get("date")),
        "actor": r.get("source_code"),
        "actor_name": r.get("source_text"),
        "actor_country": r.get("source_country"),
        "actor_sector": r.get("source_sector"),
        "recipient": r.get("target_code"),
        "recipient_name": r.get("target_text"),
        "recipient_country": r.get("target_country"),
        "recipient_sector": r.get("target_sector"),
        "event": str(event).upper(),
        "mode": r.get("plover_mode") or "",
        "context": [c for c in str(ctx).replace(",", ";").split(";") if c] if ctx else [],
        "event_loc": _loc(r.get("location")),
        "event_text": r.get("sentence"),
        "cameo": r.get("cameo"),
        "goldstein": r.get("goldstein"),
        "quad_class": r.get("quad_class"),
        "source": r.get("first_source" if clustered else "outlet"),
        "url": r.get("first_url" if clustered else "url"),
        "publication_date": _iso(r.get("first_pub_date" if clustered else "pub_date")),
        "article_id": r.get("first_article_id" if clustered else "article_id"),
        "num_mentions": r.get("num_mentions", 1),
        "num_articles": r.get("num_articles", 1),
        "num_sources": r.get("num_sources", 1),
        "version": f"parley {version}",
    }


def _types(sector: str | None) -> list[str]:
    s = sector or ""
    parts = [s[i:i + 3] for i in range(0, len(s), 3) if len(s[i:i + 3]) == 3]
    return (parts + ["", "", ""])[:3]


def _actor_cols(code: Any, name: Any, country: Any, sector: Any) -> list[Any]:
    if not code:
        return [""] * 10
    known = country if country and str(country).startswith(IGO_PREFIXES) else ""
    country_code = "" if known else (country or "")
    return [code, (name or "").upper(), country_code, known, "", "", "", *_types(sector)]


def _geo_cols(loc: dict[str, Any] | None) -> list[Any]:
    if not loc:
        return [0, "", "", "", "", "", "", ""]
    lat, lon = loc.get("lat"), loc.get("lon", loc.get("lng"))
    kind = {"country": 1, "adm1": 2, "admin1": 2, "admin2": 2, "city": 4}.get(
        str(loc.get("precision") or loc.get("type", loc.get("kind", ""))).lower(), 4 if lat else 1)
    return [kind, loc.get("name") or "", loc.get("country") or "", loc.get("admin1") or loc.get("adm1") or "", "",
            "" if lat is None else lat, "" if lon is None else lon, loc.get("id") or loc.get("geonameid") or ""]


def gdelt_row(r: dict[str, Any]) -> list[Any]:
    d = r.get("date")
    added = r.get("added_at")
    day = d.strftime("%Y%m%d") if d else ""
    frac = f"{d.year + (d.timetuple().tm_yday - 1) / 365.0:.4f}" if d else ""
    return [
        int(str(r["cluster_id"])[:15], 16), day, day[:6], day[:4], frac,
        *_actor_cols(r.get("source_code"), r.get("source_text"), r.get("source_country"), r.get("source_sector")),
        *_actor_cols(r.get("target_code"), r.get("target_text"), r.get("target_country"), r.get("target_sector")),
        1 if (r.get("first_sentence_index") is not None and r["first_sentence_index"] <= 1) else 0,
        r.get("cameo") or "", (r.get("cameo") or "")[:3], r.get("root") or "", r.get("quad_class") or "",
        "" if r.get("goldstein") is None else r["goldstein"],
        r.get("num_mentions") or 0, r.get("num_sources") or 0, r.get("num_articles") or 0, "",
        *_geo_cols(None), *_geo_cols(None), *_geo_cols(_loc(r.get("location"))),
        added.strftime("%Y%m%d%H%M%S") if added else "", r.get("first_url") or r.get("first_article_id") or "",
    ]


def _gdelt(db: Any, out: str | None, **filters: Any) -> dict[str, int]:
    from ..query import Filters

    sql, params = Filters(**filters).sql()
    # the first mention's sentence position (IsRootEvent) and when its article was stored (DATEADDED)
    sql = sql.replace("SELECT e.* FROM event_clusters e",
                      "SELECT e.*, fe.sentence_index AS first_sentence_index, fa.added_at AS added_at "
                      "FROM event_clusters e LEFT JOIN events fe ON fe.event_id = e.first_event_id "
                      "AND fe.article_id = e.first_article_id LEFT JOIN articles fa ON fa.article_id = e.first_article_id",
                      1)
    rows = db.store.arrow(sql, params).to_pylist()
    fh, close = _open(out)
    try:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(GDELT_COLUMNS)
        for r in rows:
            w.writerow(gdelt_row(r))
    finally:
        if close:
            fh.close()
        else:
            fh.flush()
    return {"rows": len(rows), "skipped": 0}
