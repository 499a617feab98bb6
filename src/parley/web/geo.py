"""Country outlines for the map, read at run time from an installed package: no tile server, no network.

The outlines come from the ``countryinfo`` package (MIT), which ships one JSON file per country with a
``geoJSON`` feature (coarse, small-scale polygons, about 170 countries; small island states have none). They
are read from the installed package, rounded to 0.1 degree and served as plain lon/lat rings; nothing of
them is copied into this repository. Without the package the map falls back to a bare lon/lat graticule
(the event points are still drawn: their coordinates come from parley's own gazetteer).
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polys = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    out = []
    for poly in polys:
        for ring in poly[:1]:  # outer ring only: holes are invisible at this scale
            pts: list[list[float]] = []
            for lon, lat, *_ in ring:
                p = [round(float(lon), 1), round(float(lat), 1)]
                if not pts or pts[-1] != p:
                    pts.append(p)
            if len(pts) >= 4:
                out.append(pts)
    return out


def load_countries() -> dict[str, Any]:
    """``{"source": ..., "countries": [{"iso3", "name", "rings"}]}``; ``countries`` is empty without the package."""
    try:
        root = resources.files("countryinfo") / "data"
        files = [f for f in root.iterdir() if f.name.endswith(".json")]
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        return {"source": None, "countries": []}
    countries = []
    for f in sorted(files, key=lambda x: x.name):
        try:
            d = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        gj = d.get("geoJSON") or {}
        feats = gj.get("features") or ([gj] if gj.get("type") == "Feature" else [])
        rings: list[list[list[float]]] = []
        for feat in feats:
            rings.extend(_rings(feat.get("geometry") or {}))
        if not rings:
            continue
        iso = d.get("ISO") or {}
        countries.append({"iso3": iso.get("alpha3") if isinstance(iso, dict) else None,
                          "name": d.get("name"), "rings": rings})
    return {"source": "countryinfo package data" if countries else None, "countries": countries}
