"""The HTTP API and web UI (``parley serve``): a FastAPI app over a store, fully offline.

Security model:

* Read endpoints (``GET /api/...``) are open when the server listens on a loopback address.
* ``POST /api/code`` (and any endpoint that writes) requires the token ``PARLEY_API_TOKEN`` when one is set,
  sent as ``Authorization: Bearer <token>`` or ``X-Parley-Token: <token>``.
* The server refuses to listen on a non-loopback address without a token (:func:`check_bind`); when it does
  listen on one, every ``/api`` endpoint requires the token.

Every error is one JSON shape: ``{"error": {"status": 422, "code": "invalid_parameter", "message": "...",
"details": [...]}}`` (:class:`ErrorBody`).
"""
from __future__ import annotations

import hmac
import json
import ipaddress
import os
import threading
from contextlib import asynccontextmanager
import datetime as dt
from importlib import resources
from typing import Any, Callable, Literal, Optional

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import OptionsError, ParleyError, StoreError
from ..query import Filters
from .data import ReaderPool

TOKEN_ENV = "PARLEY_API_TOKEN"
MAX_TEXT = 20_000  # characters of text POST /api/code accepts
MAX_BODY = 4 * MAX_TEXT + 4096  # bytes of request body (UTF-8 text up to 4 bytes a character, plus JSON)

ACTOR_PATTERN = r"^[A-Za-z0-9]{1,16}(,[A-Za-z0-9]{1,16}){0,19}$"
DYAD_PATTERN = r"^[A-Za-z0-9]{1,16},[A-Za-z0-9]{1,16}$"
CODE_PATTERN = r"^[0-9]{2,4}(,[0-9]{2,4}){0,19}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
QUAD_PATTERN = r"^[1-4](,[1-4]){0,3}$"
LOCATION_PATTERN = r"^[A-Za-z0-9 .'-]*[A-Za-z0-9][A-Za-z0-9 .'-]*(,[A-Za-z0-9 .'-]*[A-Za-z0-9][A-Za-z0-9 .'-]*){0,9}$"
SortKey = Literal["date", "-date", "goldstein", "-goldstein", "cameo", "-cameo", "source", "-source", "target",
                  "-target", "quad", "-quad", "location", "-location"]
Dedup = Literal["raw", "article", "day"]


# -- the one error shape ---------------------------------------------------------------------------------------

class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    details: Optional[list[Any]] = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_response(status: int, code: str, message: str, details: list[Any] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"status": status, "code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


ERRORS = {s: {"model": ErrorBody} for s in (400, 401, 404, 422, 503)}
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_parameter",
                503: "store_unavailable"}


# -- response models (loose: rows are the store's columns) -----------------------------------------------------

class EventsPage(BaseModel):
    level: str
    total: int
    limit: int
    offset: int
    sort: str
    items: list[dict[str, Any]]


class EventDetail(BaseModel):
    event: dict[str, Any]
    article: Optional[dict[str, Any]]
    explanation: dict[str, Any]
    trace: Optional[dict[str, Any]] = None


class ArticleDetail(BaseModel):
    article: dict[str, Any]
    text: Optional[str] = None
    sentences: list[dict[str, Any]]
    events: list[dict[str, Any]]


class Timeline(BaseModel):
    by: str
    series: list[dict[str, Any]]


class Dyads(BaseModel):
    by: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


class CodeRequest(BaseModel):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT, description="Text to code (at most 20,000 characters).")
    date: Optional[str] = Field(None, pattern=DATE_PATTERN, json_schema_extra={"format": "date"},
                                description="Publication date (YYYY-MM-DD); relative dates in the text are resolved "
                                            "against it.")
    title: Optional[str] = Field(None, max_length=500)

    @field_validator("date")
    @classmethod
    def _real_date(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            dt.date.fromisoformat(v)  # ValueError (-> 422) for 2023-02-30
        return v


class CodeResult(BaseModel):
    date: Optional[str]
    sentences: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    warnings: list[str] = []


# -- helpers ---------------------------------------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse (OptionsError) to listen on a non-loopback address without a token."""
    if not is_loopback(host) and not token:
        raise OptionsError(f"refusing to listen on {host} without a token: set {TOKEN_ENV} (every /api endpoint then "
                           "requires it), or listen on 127.0.0.1")


def _clean_list(v: str | None) -> str | None:
    if v is None:
        return None
    items = [x.strip() for x in v.split(",") if x.strip()]
    return ",".join(items) or None


def filter_params(
    source: Optional[str] = Query(None, pattern=ACTOR_PATTERN, description="Source actor code prefix or country; "
                                  "several comma-separated (e.g. RUS or RUSGOV,USA)."),
    target: Optional[str] = Query(None, pattern=ACTOR_PATTERN, description="Target actor code prefix or country."),
    dyad: Optional[str] = Query(None, pattern=DYAD_PATTERN, description="SOURCE,TARGET (directed), e.g. RUS,USA."),
    code: Optional[str] = Query(None, pattern=CODE_PATTERN, description="CAMEO code prefix(es), e.g. 04 or 041."),
    quad: Optional[str] = Query(None, pattern=QUAD_PATTERN, description="Quad class(es) 1-4, comma-separated."),
    since: Optional[str] = Query(None, pattern=DATE_PATTERN, json_schema_extra={"format": "date"},
                                 description="Events on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = Query(None, pattern=DATE_PATTERN, json_schema_extra={"format": "date"},
                                 description="Events on or before this date (YYYY-MM-DD)."),
    location: Optional[str] = Query(None, pattern=LOCATION_PATTERN, max_length=200,
                                    description="Country of the event location (e.g. RUS) or place name."),
    dedup: Dedup = Query("raw", description="raw: every coded event; article: one per article, date, dyad and code "
                                            "(num_mentions); day: deduplicated clusters (num_articles, num_sources)."),
) -> Filters:
    return Filters(source=source, target=target, dyad=dyad, code=code, quad=quad, since=since, until=until,
                   location=_clean_list(location), dedup=False if dedup == "raw" else dedup)


class _Lazy:
    """One Coder per app, loaded on first use (spaCy takes seconds); coding is serialised."""

    def __init__(self, factory: Callable[[], Any] | None, coder: Any = None):
        self.factory = factory
        self.coder = coder
        self.lock = threading.Lock()

    def code(self, text: str, date: str | None, title: str | None = None) -> Any:
        with self.lock:
            if self.coder is None:
                if self.factory is None:
                    from ..api import Coder

                    self.coder = Coder()
                else:
                    self.coder = self.factory()
            return self.coder.code_article(text, date=date, title=title)

    def code_article(self, text: str, date: str | None = None, title: str | None = None) -> Any:
        return self.code(text, date, title)


# -- the app ---------------------------------------------------------------------------------------------------

def create_app(db: str = "parley.duckdb", *, token: str | None = None, reads_open: bool = True,
               coder: Any = None, coder_factory: Callable[[], Any] | None = None,
               token_from_env: bool = True, idle_s: float = 5.0) -> FastAPI:
    """The app over the store ``db``.

    ``token``: the API token (default: ``$PARLEY_API_TOKEN`` unless ``token_from_env`` is False).
    ``reads_open``: read endpoints need no token (True when listening on loopback; see :func:`check_bind`).
    ``idle_s``: a DuckDB store is let go after this many idle seconds, so that writers can get in.
    ``coder`` / ``coder_factory``: a loaded Coder (or a callable making one) for ``POST /api/code``; default: a
    :class:`parley.Coder` with packaged options, loaded on the first request.
    """
    if token is None and token_from_env:
        token = os.environ.get(TOKEN_ENV) or None
    from .. import __version__

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.pool.close()

    app = FastAPI(title="parley API", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Political events coded from news text (CAMEO/PLOVER): browse, explain, code. "
                              "Errors have one shape: {\"error\": {status, code, message, details}}.")
    app.state.db = str(db)
    app.state.pool = ReaderPool(str(db), idle_s=idle_s)
    app.state.token = token
    app.state.coder = _Lazy(coder_factory, coder)
    app.state.geo = None
    app.state.geo_lock = threading.Lock()

    # -- errors --
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                   for e in exc.errors()]
        where = ", ".join(".".join(str(x) for x in d["loc"]) for d in details[:5])
        return error_response(422, "invalid_parameter", f"invalid parameter(s): {where}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, STATUS_CODES.get(exc.status_code, "error"), str(exc.detail),
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        return error_response(503, "store_unavailable", str(exc))

    @app.exception_handler(ParleyError)
    async def _parley(request: Request, exc: ParleyError) -> JSONResponse:
        return error_response(400, "bad_request", str(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:  # a bug: still the one shape
        return error_response(500, "internal_error", f"{type(exc).__name__}: {exc}")

    @app.middleware("http")
    async def _guard(request: Request, call_next):
        path = request.url.path
        if path.startswith("/api/"):
            writes = request.method not in ("GET", "HEAD", "OPTIONS")
            if app.state.token and (writes or not reads_open) and not _token_ok(request, app.state.token):
                return error_response(401, "unauthorized", f"this endpoint needs the API token ({TOKEN_ENV}): send "
                                      "'Authorization: Bearer <token>' or 'X-Parley-Token: <token>'",
                                      headers={"WWW-Authenticate": "Bearer"})
            length = request.headers.get("content-length")
            if length is not None:
                if not length.isdigit():
                    return error_response(400, "bad_request", "bad Content-Length header")
                if int(length) > MAX_BODY:
                    return error_response(413, "too_large", f"request body over {MAX_BODY} bytes; POST /api/code "
                                          f"takes at most {MAX_TEXT} characters of text")
        return await call_next(request)

    def reader():
        with app.state.pool.reader() as r:
            yield r


    # -- events --
    @app.get("/api/events", response_model=EventsPage, responses=ERRORS, tags=["events"])
    def list_events(filters: Filters = Depends(filter_params),
                    limit: int = Query(50, ge=1, le=1000, description="Rows per page."),
                    offset: int = Query(0, ge=0, le=10_000_000, description="Rows to skip."),
                    sort: SortKey = Query("-date", description="Sort key; prefix - for descending."),
                    r=Depends(reader)) -> dict[str, Any]:
        """Events matching the filters of ``parley query``, a page at a time."""
        return _json_response(r.events(filters, limit=limit, offset=offset, sort=sort))

    @app.get("/api/events/{event_id}", response_model=EventDetail, responses=ERRORS, tags=["events"])
    def get_event(event_id: str, trace: bool = Query(False, description="Re-code the sentence live for exact "
                                                     "spans and the knowledge-base entries of the actors."),
                  r=Depends(reader)) -> dict[str, Any]:
        """One event with its sentence, article and explanation (rule, verb, actors, highlighted spans)."""
        from .explain import stored_explanation, trace_stored

        ev = r.event(event_id)
        if ev is None:
            raise StarletteHTTPException(404, f"no event {event_id!r}")
        art = r.article(ev["article_id"]) if ev.get("article_id") else None
        out = {"event": ev, "article": art["article"] if art else None, "explanation": stored_explanation(ev)}
        if trace:
            out["trace"] = trace_stored(app.state.coder, ev)
        return out

    @app.get("/api/articles", response_model=dict[str, Any], responses=ERRORS, tags=["articles"])
    def list_articles(q: Optional[str] = Query(None, max_length=80, pattern=r"^[\w .:'-]*$",
                                               description="Substring of the id or title."),
                      limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10_000_000),
                      r=Depends(reader)) -> dict[str, Any]:
        """Articles in the store, newest first."""
        return r.articles(q.strip() if q else None, limit, offset)

    @app.get("/api/articles/{article_id:path}", response_model=ArticleDetail, responses=ERRORS, tags=["articles"])
    def get_article(article_id: str, r=Depends(reader)) -> dict[str, Any]:
        """One article: its metadata, its coded sentences with actors and event words highlighted, its events."""
        from .explain import stored_explanation

        got = r.article(article_id)
        if got is None:
            raise StarletteHTTPException(404, f"no article {article_id!r}")
        sentences: dict[int, dict[str, Any]] = {}
        for ev in got["events"]:
            ev["explanation"] = stored_explanation(ev)
            s = sentences.setdefault(ev["sentence_index"], {"index": ev["sentence_index"], "text": ev["sentence"],
                                                            "spans": [], "events": []})
            s["events"].append(ev["event_id"])
            for sp in ev["explanation"]["spans"]:
                if all(sp["end"] <= x["start"] or sp["start"] >= x["end"] for x in s["spans"]):
                    s["spans"].append({**sp, "event_id": ev["event_id"]})
        for s in sentences.values():
            s["spans"].sort(key=lambda x: x["start"])
        return {"article": got["article"], "text": got["article"].get("text") or got["article"].get("body"),
                "sentences": [sentences[k] for k in sorted(sentences)], "events": got["events"]}

    # -- actors and statistics --
    @app.get("/api/actors", response_model=list[dict[str, Any]], responses=ERRORS, tags=["actors"])
    def list_actors(filters: Filters = Depends(filter_params),
                    q: Optional[str] = Query(None, max_length=50, pattern=r"^[\w .'-]*$",
                                             description="Substring of the code or text."),
                    limit: int = Query(100, ge=1, le=1000), r=Depends(reader)) -> list[dict[str, Any]]:
        """Actors by number of events (as source or target)."""
        return r.actors(filters, q.strip() if q else None, limit)

    @app.get("/api/stats/timeline", response_model=Timeline, responses=ERRORS, tags=["statistics"])
    def stats_timeline(filters: Filters = Depends(filter_params),
                       by: Literal["day", "week", "month", "year"] = Query("month"),
                       split: int = Query(0, ge=0, le=10, description="Also one series for each of the top N dyads."),
                       r=Depends(reader)) -> dict[str, Any]:
        """Event counts and Goldstein sums per period, overall and per dyad."""
        return r.timeline(filters, by, split)

    @app.get("/api/stats/dyads", response_model=Dyads, responses=ERRORS, tags=["statistics"])
    def stats_dyads(filters: Filters = Depends(filter_params),
                    by: Literal["actor", "country"] = Query("actor"),
                    limit: int = Query(80, ge=1, le=1000, description="Strongest edges kept."),
                    r=Depends(reader)) -> dict[str, Any]:
        """The dyad network: actors as nodes, directed edges weighted by events, with their QuadClass mix."""
        return r.dyads(filters, by, limit)

    @app.get("/api/stats/locations", response_model=list[dict[str, Any]], responses=ERRORS, tags=["statistics"])
    def stats_locations(filters: Filters = Depends(filter_params), limit: int = Query(500, ge=1, le=5000),
                        r=Depends(reader)) -> list[dict[str, Any]]:
        """Event locations (lat/lon from parley's gazetteer) with counts and QuadClass mix."""
        return r.locations(filters, limit)

    @app.get("/api/overview", response_model=dict[str, Any], responses=ERRORS, tags=["statistics"])
    def overview(r=Depends(reader)) -> dict[str, Any]:
        """Totals of the store."""
        out = r.overview()
        out["token_required_for_code"] = bool(app.state.token)
        return out

    @app.get("/api/geo/countries", response_model=dict[str, Any], responses=ERRORS, tags=["map"])
    def geo_countries() -> dict[str, Any]:
        """Country outlines (lon/lat rings) for the map, from installed package data (see parley.web.geo)."""
        with app.state.geo_lock:
            if app.state.geo is None:
                from .geo import load_countries

                app.state.geo = load_countries()
        return app.state.geo

    # -- coding --
    @app.post("/api/code", response_model=CodeResult, responses={**ERRORS, 413: {"model": ErrorBody}},
              tags=["coding"])
    def code_text(req: CodeRequest) -> dict[str, Any]:
        """Code posted text on the fly (nothing is stored); each event comes with its explanation."""
        from .explain import coded_response

        from ..errors import InputError

        day = req.date
        try:
            art = app.state.coder.code(req.text, day, req.title)
        except InputError as exc:  # nothing codable in the text (empty, or only page chrome): no events
            return {"date": day, "sentences": [], "mentions": [], "events": [], "warnings": [str(exc)]}
        return coded_response(art)

    # -- UI --
    static = resources.files("parley.web") / "static"

    def _asset(name: str, media: str) -> Response:
        f = static / name
        if not f.is_file():
            raise StarletteHTTPException(404, f"no asset {name}")
        return Response(f.read_bytes(), media_type=media, headers={"Cache-Control": "no-cache"})

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return _asset("index.html", "text/html; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return _asset("docs.html", "text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        media = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
                 "html": "text/html; charset=utf-8", "svg": "image/svg+xml"}.get(name.rsplit(".", 1)[-1])
        if media is None or "/" in name or name.startswith("."):
            raise StarletteHTTPException(404, f"no asset {name}")
        return _asset(name, media)

    return app


def _json_response(body: Any) -> Response:
    """JSON of a body already shaped like its response model (the hot path skips re-validation)."""
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str),
                    media_type="application/json")


def _token_ok(request: Request, token: str) -> bool:
    got = request.headers.get("x-parley-token") or ""
    auth = request.headers.get("authorization") or ""
    if auth.lower().startswith("bearer "):
        got = got or auth[7:].strip()
    return bool(got) and hmac.compare_digest(got.encode("utf-8", "replace"), token.encode("utf-8", "replace"))


__all__ = ["create_app", "check_bind", "is_loopback", "TOKEN_ENV", "MAX_TEXT"]
