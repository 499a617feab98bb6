"""``parley plot``: PNG charts of a store (matplotlib, drawn off-screen with the Agg canvas).

* ``timeline`` — events per day, week or month (bars) and their Goldstein sum (line), one panel each.
* ``dyads`` — the most frequent source→target pairs (bars), coloured by mean Goldstein score.
"""
from __future__ import annotations

from typing import Any

from ..errors import OptionsError, StoreError


def _figure(width: float, height: float, rows: int = 1):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - a dependency
        raise StoreError("parley plot needs matplotlib: pip install matplotlib") from exc
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(rows, 1, i + 1) for i in range(rows)]
    return fig, axes


def plot_timeline(store: Any, out: str, by: str = "week", title: str | None = None, **filters: Any) -> int:
    """Draw event counts and Goldstein sums per period into ``out`` (PNG). Returns the number of periods."""
    from matplotlib import dates as mdates

    from ..query import timeline

    rows = timeline(store, by=by, **filters)
    if not rows:
        raise StoreError("nothing to plot: no dated events match")
    periods = [float(mdates.date2num(r[0])) for r in rows]
    counts = [r[1] for r in rows]
    gold = [float(r[2] or 0.0) for r in rows]
    width = {"day": 0.8, "week": 5.6, "month": 24.0}[by]
    fig, (ax1, ax2) = _figure(10, 6, rows=2)
    ax1.bar(periods, counts, width=width, color="#4c72b0")
    ax1.set_ylabel(f"events per {by}")
    ax1.set_title(title or f"Events per {by}" + (" (deduplicated)" if filters.get("dedup") else ""))
    colours = ["#55a868" if g >= 0 else "#c44e52" for g in gold]
    ax2.bar(periods, gold, width=width, color=colours)
    ax2.plot(periods, gold, color="#333333", linewidth=1)
    ax2.axhline(0, color="#999999", linewidth=0.8)
    ax2.set_ylabel("Goldstein sum")
    pad = width * 1.5
    for ax in (ax1, ax2):
        ax.grid(axis="y", alpha=0.3)
        ax.set_xlim(min(periods) - pad, max(periods) + pad)
        locator = mdates.AutoDateLocator(minticks=2, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out, format="png")
    return len(rows)


def plot_dyads(store: Any, out: str, top: int = 15, title: str | None = None, **filters: Any) -> int:
    """Draw the ``top`` dyads by event count into ``out`` (PNG). Returns the number of dyads drawn."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    from ..query import stats

    if top < 1:
        raise OptionsError("--top must be >= 1")
    dyads = stats(store, top=top, **filters)["dyads"]
    if not dyads:
        raise StoreError("nothing to plot: no events match")
    labels = [f"{s} → {t}" for s, t, _n, _g in dyads][::-1]
    counts = [n for _s, _t, n, _g in dyads][::-1]
    means = [float(g or 0.0) / n for _s, _t, n, g in dyads][::-1]
    fig, (ax,) = _figure(9, max(3.0, 1.2 + 0.4 * len(dyads)))
    norm = Normalize(vmin=-10, vmax=10)
    cmap = colormaps["RdYlGn"]
    ax.barh(labels, counts, color=[cmap(norm(m)) for m in means])
    ax.set_xlabel("events")
    ax.set_title(title or "Top dyads (colour: mean Goldstein, red = conflict, green = cooperation)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, format="png")
    return len(dyads)
