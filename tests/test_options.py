"""Options are declared once: every declared option has a packaged default and a row in docs/options.md."""
from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from parley.errors import OptionsError
from parley.options import build_options, option_help

DOCS = Path(__file__).resolve().parents[1] / "docs" / "options.md"


def test_defaults_docs_and_declarations_agree():
    declared = set(option_help())
    defaults = set(tomllib.loads(resources.files("parley").joinpath("data/defaults.toml").read_text("utf-8")))
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text("utf-8"), flags=re.M))
    assert declared == defaults, f"defaults.toml differs: {declared ^ defaults}"
    assert declared == documented, f"docs/options.md differs: {declared ^ documented}"
    assert all(option_help().values())


def test_overrides_and_config_file(tmp_path: Path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("workers = 2\nbatch_size = 8\n", encoding="utf-8")
    opts = build_options({"batch_size": "16"}, config_file=cfg)
    assert (opts.workers, opts.batch_size) == (2, 16)
    assert opts.with_overrides(workers=3).workers == 3


@pytest.mark.parametrize("bad", [{"nope": 1}, {"workers": 0}, {"workers": "many"}, {"engine": "spark"}])
def test_bad_options_are_refused(bad):
    with pytest.raises(OptionsError):
        build_options(bad)
