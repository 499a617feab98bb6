"""parley plot writes real PNG charts."""
from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.store import open_store
from test_store_helpers import store_articles, synthetic

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("plot") / "plot.duckdb")
    arts = [synthetic(f"p{i}", f"2021-0{1 + i % 6}-{10 + i:02d}", [("RUS", "UKR", "190"), ("USA", "RUS", "042")])
            for i in range(12)]
    with open_store(path) as s:
        store_articles(s, arts)
    return path


def _check_png(path):
    from matplotlib import image

    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 5000
    img = image.imread(str(path))
    assert img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 400
    # not a blank canvas: many distinct colours, some clearly non-white
    pixels = img[..., :3].reshape(-1, 3)
    assert len(np.unique((pixels * 255).astype(int), axis=0)) > 20
    assert (pixels.mean(axis=1) < 0.6).mean() > 0.01


@pytest.mark.parametrize("kind,extra", [("timeline", ["--by", "month"]), ("timeline", ["--by", "day", "--dedup"]),
                                        ("dyads", ["--top", "5"])])
def test_plot_png(db, tmp_path, kind, extra):
    out = tmp_path / "x.png"
    res = runner.invoke(app, ["plot", kind, "--out", str(out), "--db", db, *extra])
    assert res.exit_code == 0, res.output
    _check_png(out)


def test_plot_errors(db, tmp_path):
    assert runner.invoke(app, ["plot", "pie", "--out", str(tmp_path / "a.png"), "--db", db]).exit_code == 2
    res = runner.invoke(app, ["plot", "timeline", "--out", str(tmp_path / "b.png"), "--db", db, "--code", "01"])
    assert res.exit_code == 1 and "nothing to plot" in res.output
