"""Charts drawn with matplotlib from the report's data, as PNG data URIs
(the HTML stays one self-contained file, and the PDF needs no network)."""

from __future__ import annotations

import base64
import datetime as dt
import io

import igraph as ig
import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


def _uri(fig) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def activity_chart(series: dict[str, list[tuple[dt.date, int]]]) -> str | None:
    if not any(series.values()):
        return None
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for net, points in series.items():
        if points:
            ax.plot([d for d, _ in points], [n for _, n in points], lw=1.2, label=net)
    ax.set_ylabel("posts per day")
    ax.set_title("Activity of the disrupted networks")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.legend(fontsize=7, loc="upper left")
    fig.autofmt_xdate()
    return _uri(fig)


def graph_chart(members: list[str], edges: list[tuple[str, str, str]], title: str) -> str:
    g = ig.Graph()
    g.add_vertices(members)
    index = {m: i for i, m in enumerate(members)}
    kept = [(index[a], index[b]) for a, b, _ in edges if a in index and b in index]
    kinds = [k for a, b, k in edges if a in index and b in index]
    g.add_edges(kept)
    layout = g.layout_fruchterman_reingold(seed=[(i % 7, i // 7) for i in range(len(members))]) if members else []
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    for (a, b), k in zip(kept, kinds, strict=True):
        (x1, y1), (x2, y2) = layout[a], layout[b]
        ax.plot([x1, x2], [y1, y2], color="#c0392b" if k == "device" else "#9aa5b1", lw=0.6, zorder=1)
    if members:
        ax.scatter([p[0] for p in layout], [p[1] for p in layout], s=22, color="#33658a", zorder=2)
    ax.set_axis_off()
    ax.set_title(f"{title}: {len(members)} accounts, {len(kept)} links\n(red: shared device, grey: engagement)",
                 fontsize=8)
    return _uri(fig)


def creation_chart(created: list[dt.datetime], title: str) -> str | None:
    if not created:
        return None
    fig, ax = plt.subplots(figsize=(4.2, 3.0))
    ax.hist(mdates.date2num(created), bins=min(30, max(5, len(created) // 2)), color="#86bbd8", edgecolor="#33658a")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=5))
    ax.set_ylabel("accounts created")
    ax.set_title(f"{title}: account creation dates", fontsize=8)
    fig.autofmt_xdate()
    return _uri(fig)


def amplification_chart(rows: list[dict], candidate: str) -> str | None:
    """Weekly share of impressions from flagged networks, For You vs following."""
    fig, ax = plt.subplots(figsize=(9, 3.0))
    drawn = False
    for surface in ("for_you", "following"):
        pts = [(dt.date.fromisoformat(r["week"]), r["from_flagged"] / r["impressions"])
               for r in rows if r["candidate"] == candidate and r["surface"] == surface and r["impressions"]]
        if pts:
            ax.plot([d for d, _ in pts], [s * 100 for _, s in pts], marker="o", ms=3, label=surface)
            drawn = True
    if not drawn:
        plt.close(fig)
        return None
    ax.set_ylabel("% from flagged networks")
    ax.set_title("Amplification of flagged networks by the recommender, per week")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.legend(fontsize=8)
    fig.autofmt_xdate()
    return _uri(fig)
