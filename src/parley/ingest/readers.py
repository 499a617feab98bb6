"""Format readers. Each yields Articles or ErrorRecords; a bad document never stops the run."""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from ..errors import InputError
from ..model import Article, ErrorRecord
from ..options import Options
from ..when import iso_date

TEXT_EXT = {".txt", ".text", ".md", ""}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson", ".json"}
CSV_EXT = {".csv", ".tsv"}
FEED_EXT = {".rss", ".atom", ".xml"}

Item = Article | ErrorRecord


def read_text_bytes(data: bytes, origin: str, max_bytes: int) -> str:
    """Decode one document's bytes as UTF-8 text, or raise InputError with a reason."""
    if len(data) > max_bytes:
        raise InputError(
            f"{origin}: document is {len(data):,} bytes, over the limit of {max_bytes:,} "
            "(option max_article_bytes)", reason="too_large", origin=origin)
    if b"\x00" in data[:65536]:
        raise InputError(f"{origin}: binary data (NUL bytes), not text", reason="binary", origin=origin)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{origin}: invalid UTF-8 at byte {exc.start} ({exc.reason})", reason="encoding", origin=origin
        ) from None
    if not text.strip():
        raise InputError(f"{origin}: empty document", reason="empty", origin=origin)
    return text


def _strip_compression(path: Path) -> tuple[str, bool]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return Path(name[:-3]).suffix, True
    return path.suffix.lower(), False


def _open_binary(path: Path, gz: bool) -> IO[bytes]:
    return gzip.open(path, "rb") if gz else open(path, "rb")


def _error(exc: InputError, origin: str, article_id: str | None = None) -> ErrorRecord:
    return ErrorRecord(origin=exc.origin or origin, reason=exc.reason, message=str(exc), article_id=article_id)


def _article_from_record(rec: dict[str, Any], origin: str, default_id: str) -> Article:
    if not isinstance(rec, dict):
        raise InputError(f"{origin}: record is not an object", reason="parse", origin=origin)
    text = rec.get("text")
    html = rec.get("html")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
        raise InputError(f"{origin}: record has no 'text' or 'html'", reason="empty", origin=origin)
    rid = rec.get("id")
    art = Article(
        id=str(rid) if rid not in (None, "") else default_id,
        text=text if isinstance(text, str) else "",
        origin=origin,
        title=_str_or_none(rec.get("title")),
        url=_str_or_none(rec.get("url")),
        source=_str_or_none(rec.get("source")),
        date=None,
        html=html if isinstance(html, str) and html.strip() else None,
    )
    raw_date = _str_or_none(rec.get("date"))
    if raw_date:
        art.date = iso_date(raw_date)
        if art.date:
            art.date_source = "record"
        else:
            art.warnings.append(f"unreadable record date {raw_date!r}")
    return art


def _str_or_none(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def read_single(path: Path, opts: Options, kind: str, stem: str) -> Iterator[Item]:
    """One file = one article (.txt, .html)."""
    origin = str(path)
    _, gz = _strip_compression(path)
    try:
        if not gz:
            size = path.stat().st_size
            if size > opts.max_article_bytes:
                raise InputError(
                    f"{origin}: document is {size:,} bytes, over the limit of {opts.max_article_bytes:,} "
                    "(option max_article_bytes)", reason="too_large", origin=origin)
        with _open_binary(path, gz) as fh:
            data = fh.read(opts.max_article_bytes + 1)
        text = read_text_bytes(data, origin, opts.max_article_bytes)
    except InputError as exc:
        yield _error(exc, origin)
        return
    except OSError as exc:
        yield ErrorRecord(origin=origin, reason="io", message=f"{origin}: {exc}")
        return
    if kind == "html":
        yield Article(id=stem, text="", html=text, origin=origin)
    else:
        yield Article(id=stem, text=text, origin=origin)


def read_jsonl_stream(fh: IO[bytes], origin: str, opts: Options, stem: str) -> Iterator[Item]:
    for lineno, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        rorigin = f"{origin}:{lineno}"
        try:
            line = read_text_bytes(raw, rorigin, opts.max_article_bytes)
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{rorigin}: invalid JSON ({exc.msg})", reason="parse", origin=rorigin) from None
            yield _article_from_record(rec, rorigin, f"{stem}:{lineno}")
        except InputError as exc:
            yield _error(exc, rorigin)


def read_csv_stream(fh: IO[bytes], origin: str, opts: Options, stem: str, delimiter: str) -> Iterator[Item]:
    csv.field_size_limit(max(opts.max_article_bytes, 131072))
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="strict", newline="")
    try:
        reader = csv.DictReader(text, delimiter=delimiter)
        recno = 0
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield ErrorRecord(origin=f"{origin}:{reader.line_num}", reason="parse",
                                  message=f"{origin}:{reader.line_num}: cannot read CSV ({exc})")
                if isinstance(exc, UnicodeDecodeError):
                    return
                continue
            recno += 1
            rorigin = f"{origin}:{reader.line_num}"
            try:
                yield _article_from_record(dict(rec), rorigin, f"{stem}:{recno}")
            except InputError as exc:
                yield _error(exc, rorigin)
    finally:
        text.detach()


def read_feed(data: bytes, origin: str, stem: str) -> Iterator[Item]:
    """RSS 2.0 or Atom: one article per item/entry (title, link, date, description/content)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        yield ErrorRecord(origin=origin, reason="parse", message=f"{origin}: invalid XML feed ({exc})")
        return

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    n = 0
    for el in root.iter():
        if local(el.tag) not in {"item", "entry"}:
            continue
        n += 1
        fields: dict[str, str] = {}
        for child in el:
            name = local(child.tag)
            if name == "link" and child.get("href"):
                fields.setdefault("url", child.get("href", ""))
                continue
            val = "".join(child.itertext()).strip()
            if not val:
                continue
            key = {"link": "url", "pubDate": "date", "published": "date", "updated": "date_alt",
                   "description": "summary", "summary": "summary", "encoded": "content",
                   "content": "content", "title": "title", "guid": "id", "id": "id"}.get(name)
            if key:
                fields.setdefault(key, val)
        body = fields.get("content") or fields.get("summary") or ""
        rec: dict[str, Any] = {"id": fields.get("id") or f"{stem}:{n}", "title": fields.get("title"),
                               "url": fields.get("url"), "date": fields.get("date") or fields.get("date_alt")}
        if "<" in body and ">" in body:
            rec["html"] = body
        else:
            rec["text"] = body
        try:
            yield _article_from_record(rec, f"{origin}#{n}", f"{stem}:{n}")
        except InputError as exc:
            yield _error(exc, f"{origin}#{n}")


def read_path(path: Path, opts: Options, stem: str | None = None) -> Iterator[Item]:
    """Read one file. ``stem`` is its id base: the file name without extensions, or, inside a
    folder, the relative path without extensions (so sub/a.txt and a.txt get different ids)."""
    ext, gz = _strip_compression(path)
    stem = stem or path.name.split(".")[0]
    origin = str(path)
    if ext in JSONL_EXT or ext in CSV_EXT:
        try:
            fh = _open_binary(path, gz)
        except OSError as exc:
            yield ErrorRecord(origin=origin, reason="io", message=f"{origin}: {exc}")
            return
        with fh:
            try:
                if ext in JSONL_EXT:
                    yield from read_jsonl_stream(fh, origin, opts, stem)
                else:
                    yield from read_csv_stream(fh, origin, opts, stem, "\t" if ext == ".tsv" else ",")
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                yield ErrorRecord(origin=origin, reason="io", message=f"{origin}: cannot read ({exc})")
        return
    if ext in FEED_EXT:
        try:
            with _open_binary(path, gz) as fh:
                data = fh.read(opts.max_article_bytes * 20 + 1)
        except (OSError, EOFError) as exc:
            yield ErrorRecord(origin=origin, reason="io", message=f"{origin}: {exc}")
            return
        yield from read_feed(data, origin, stem)
        return
    kind = "html" if ext in HTML_EXT else "text"
    yield from read_single(path, opts, kind, stem)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def read_stdin(opts: Options, stream: IO[bytes] | None = None) -> Iterator[Item]:
    fh = stream if stream is not None else sys.stdin.buffer
    first = fh.peek(1)[:1] if hasattr(fh, "peek") else b""
    if first == b"{":
        yield from read_jsonl_stream(fh, "<stdin>", opts, "stdin")
        return
    data = fh.read(opts.max_article_bytes + 1)
    try:
        text = read_text_bytes(data, "<stdin>", opts.max_article_bytes)
    except InputError as exc:
        yield _error(exc, "<stdin>")
        return
    if text.lstrip().startswith("{"):
        yield from read_jsonl_stream(io.BytesIO(data), "<stdin>", opts, "stdin")
    elif text.lstrip()[:1] == "<":
        yield Article(id="stdin", text="", html=text, origin="<stdin>")
    else:
        yield Article(id="stdin", text=text, origin="<stdin>")


def iter_inputs(inputs: Iterable[str | Path], opts: Options) -> Iterator[Item]:
    """Stream Articles/ErrorRecords from paths, folders (recursive) and '-' (stdin)."""
    for raw in inputs:
        if str(raw) == "-":
            yield from read_stdin(opts)
            continue
        path = Path(raw)
        if path.is_dir():
            for f in _walk(path):
                rel = f.relative_to(path)
                stem = "/".join([*rel.parts[:-1], rel.name.split(".")[0]])
                yield from read_path(f, opts, stem)
        elif path.exists():
            yield from read_path(path, opts)
        else:
            yield ErrorRecord(origin=str(path), reason="missing", message=f"{path}: no such file or folder")
