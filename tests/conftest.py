"""Shared fixtures. Tests that need ../shared find it beside the repo and skip with a message when absent."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found beside the repo ({SHARED.name}); shared-data tests skipped")
    return SHARED


@pytest.fixture(scope="session")
def seed_path(shared_dir: Path) -> Path:
    p = shared_dir / "seed" / "putin_obama_2012-07-19.txt"
    if not p.exists():
        pytest.skip("seed page missing from ../shared")
    return p


@pytest.fixture(scope="session")
def options():
    from parley.options import build_options

    return build_options()


@pytest.fixture(scope="session")
def pipeline(options):
    """One loaded Pipeline (spaCy + data) for the whole test session."""
    from parley.pipeline import Pipeline

    return Pipeline(options)


@pytest.fixture(scope="session")
def code_text(pipeline):
    """code_text(text, date=None) -> Article with events (Doc kept)."""

    def _code(text: str, date: str | None = None, article_id: str = "t"):
        return pipeline.code_text(text, date=date, article_id=article_id)

    return _code
