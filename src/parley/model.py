"""The typed record that flows through every stage.

An :class:`Article` starts with raw text and metadata (ingest), gains cleaned text, title,
publication date and dateline (clean), sentences and a parse (nlp), actor mentions (actors),
events (events), event dates (when) and locations (where).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Actor:
    """A resolved actor: CAMEO-style code = country (ISO3 or IGO code) + sector(s)."""

    code: str
    country: str | None
    sector: str | None
    text: str
    entry: str = ""  # which lexicon entry produced the code (file:key)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "country": self.country, "sector": self.sector, "text": self.text}


@dataclass(slots=True)
class Mention:
    """An actor mention in the text: a span of one sentence resolved to an actor."""

    sentence_index: int
    start: int  # token index within the article's Doc
    end: int  # token index, exclusive
    text: str
    actor: Actor
    kind: str  # country | person | org | agent | metonym
    person: Any = None  # knowledge-base Entry of a person: roles are re-chosen by the event date
    parts: tuple[str, ...] = ()  # kinds of the matched pieces, e.g. ("adjective", "agent")


@dataclass(slots=True)
class Sentence:
    index: int
    text: str
    start_char: int
    end_char: int


@dataclass(slots=True)
class Event:
    event_id: str
    article_id: str
    sentence_index: int
    sentence: str
    source: Actor
    target: Actor | None
    cameo: str
    cameo_name: str
    root: str
    quad_class: int
    goldstein: float
    plover: dict[str, Any] | None
    rule: str  # the lexicon entry / rule that produced the code
    date: str | None = None
    date_precision: str | None = None
    date_source: str | None = None
    historical: bool = False
    location: dict[str, Any] | None = None
    verb_text: str = ""
    flags: list[str] = field(default_factory=list)
    # transient links for later stages (never serialised): the predicate token and actor mentions
    verb_index: int = -1
    source_mention: Any = None
    target_mention: Any = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "event_id": self.event_id,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_source": self.date_source,
            "historical": self.historical,
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo,
            "cameo_name": self.cameo_name,
            "root": self.root,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "plover": self.plover,
            "location": self.location,
            "verb_text": self.verb_text,
            "rule": self.rule,
            "flags": list(self.flags),
        }
        return d


@dataclass(slots=True)
class Article:
    """One document on its way through the pipeline."""

    id: str
    text: str
    origin: str = ""  # file path (and record number) it came from
    title: str | None = None
    url: str | None = None
    source: str | None = None  # publisher / outlet
    date: str | None = None  # publication date (ISO)
    date_source: str | None = None  # record | html-meta | stamp | url | none
    html: str | None = None
    dateline: dict[str, Any] | None = None
    body: str | None = None  # cleaned text that is parsed
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    doc: Any = None  # spaCy Doc; transient, never serialised
    # numbers of the sentences that can yield an event, when the parse step already knows them
    # (``ner = "lazy"`` asks the coder before the NER); None = every parsed sentence; transient
    event_sentences: set[int] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        return hashlib.sha1((self.body or self.text).encode("utf-8")).hexdigest()

    def meta_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.id,
            "origin": self.origin,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "date": self.date,
            "date_source": self.date_source,
            "dateline": self.dateline,
            "content_hash": self.content_hash,
            "n_sentences": len(self.sentences),
            "n_events": len(self.events),
        }


@dataclass(slots=True)
class ErrorRecord:
    """A document that could not be coded, and why. The run goes on without it."""

    origin: str
    reason: str
    message: str
    article_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
