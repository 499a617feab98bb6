"""Write events to a file or stdout as JSON Lines, CSV or Parquet (the output contract)."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import IO, Any

from .errors import OptionsError
from .model import Event

FORMATS = ("jsonl", "csv", "parquet")

CSV_COLUMNS = ["event_id", "article_id", "sentence_index", "date", "date_precision", "date_source", "historical",
               "source_code", "source_country", "source_sector", "source_text",
               "target_code", "target_country", "target_sector", "target_text",
               "cameo", "cameo_name", "root", "quad_class", "goldstein", "plover_event", "plover_mode",
               "plover_context", "verb_text", "rule", "sentence"]


def flat_event(d: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in d.items() if k not in {"source", "target", "plover", "location", "flags"}}
    for side in ("source", "target"):
        a = d.get(side) or {}
        for k in ("code", "country", "sector", "text"):
            out[f"{side}_{k}"] = a.get(k)
    pl = d.get("plover") or {}
    for k in ("event", "mode", "context"):
        out[f"plover_{k}"] = pl.get(k)
    out["location"] = json.dumps(d["location"]) if d.get("location") else None
    out["flags"] = ";".join(d.get("flags") or [])
    return out


class EventWriter:
    def __init__(self, out: str | None, fmt: str):
        if fmt not in FORMATS:
            raise OptionsError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if fmt == "parquet" and (out is None or out == "-"):
            raise OptionsError("parquet output needs a file: use --out FILE.parquet")
        self.fmt = fmt
        self.path = out
        self._rows: list[dict[str, Any]] = []
        self._fh: IO[str] | None = None
        self._csv: csv.DictWriter | None = None
        if fmt != "parquet":
            self._fh = sys.stdout if out in (None, "-") else open(out, "w", encoding="utf-8", newline="")
            if fmt == "csv":
                self._csv = csv.DictWriter(self._fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
                self._csv.writeheader()

    def write(self, ev: Event) -> None:
        d = ev.to_dict()
        if self.fmt == "jsonl":
            assert self._fh is not None
            self._fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        elif self.fmt == "csv":
            assert self._csv is not None
            self._csv.writerow(flat_event(d))
        else:
            self._rows.append(flat_event(d))

    def close(self) -> None:
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            cols = CSV_COLUMNS + ["location", "flags"]
            table = pa.table({c: [r.get(c) for r in self._rows] for c in cols})
            pq.write_table(table, str(Path(self.path)))  # type: ignore[arg-type]
        elif self._fh is not None:
            self._fh.flush()
            if self._fh is not sys.stdout:
                self._fh.close()
