"""Interop figures: imports of the real CooRTweet data and of synthetic TikTok
Research API pages, ingest of the result, and the graph export of a simulated
election.  Prints one line per step with wall time, rows/s and the load average.

    python bench/interop/run.py [--videos 100000] [--accounts 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path

import civicshield as cs
from civicshield.sim import SimConfig

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "coortweet"
ELECTION = ROOT / "tests" / "interop" / "fixtures" / "election.toml"


def _report(step: str, seconds: float, rows: int) -> None:
    load = os.getloadavg()[0]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{step:<44} {seconds:7.2f} s  {rows:>9,} rows  {rows / seconds:>9,.0f} rows/s  peak RSS {rss:,.0f} MB  load {load:.1f}",
          flush=True)


def _timed(step: str, fn, rows_of):
    t = time.perf_counter()
    res = fn()
    _report(step, time.perf_counter() - t, rows_of(res))
    return res


def _tiktok_pages(folder: Path, videos: int, per_page: int = 100) -> None:
    rnd = random.Random(1)
    users = [f"user_{i}" for i in range(max(videos // 20, 1))]
    t0 = 1_730_000_000
    for page in range(0, videos, per_page):
        items = [{"id": 7_440_000_000_000_000_000 + i, "create_time": t0 + rnd.randrange(3_000_000),
                  "username": rnd.choice(users), "region_code": "RO", "video_description": f"video {i} #alegeri",
                  "hashtag_names": ["alegeri", f"t{i % 50}"], "music_id": 7_000_000_000_000_000_000 + i % 500,
                  "view_count": rnd.randrange(10_000), "like_count": rnd.randrange(1000),
                  "comment_count": rnd.randrange(50), "share_count": rnd.randrange(50), "favorites_count": 1}
                 for i in range(page, min(page + per_page, videos))]
        doc = {"data": {"videos": items, "cursor": page + per_page, "has_more": page + per_page < videos,
                        "search_id": "bench"}, "error": {"code": "ok", "message": "", "log_id": "b"}}
        (folder / f"videos-p{page // per_page:05d}.json").write_text(json.dumps(doc))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=100_000)
    ap.add_argument("--accounts", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ger = _timed("import coortweet german_elections.csv (posts)",
                     lambda: cs.import_coortweet(SHARED / "german_elections.csv", tmp / "ger", ELECTION),
                     lambda r: sum(r.rows.values()))
        _timed("ingest of it", lambda: cs.ingest_dataset(ger.out, cs.open_workspace(tmp / "ger-ws").ensure()),
               lambda r: sum(r.rows.values()))
        _timed("import coortweet russian_coord_tweets.csv (shares)",
               lambda: cs.import_coortweet(SHARED / "russian_coord_tweets.csv", tmp / "rus", ELECTION),
               lambda r: sum(r.rows.values()))
        pages = tmp / "tiktok"
        pages.mkdir()
        _tiktok_pages(pages, args.videos)
        tt = _timed(f"import tiktok-research ({args.videos:,} videos)",
                    lambda: cs.import_tiktok_research(pages, tmp / "tt", ELECTION), lambda r: sum(r.rows.values()))
        _timed("ingest of it", lambda: cs.ingest_dataset(tt.out, cs.open_workspace(tmp / "tt-ws").ensure()),
               lambda r: sum(r.rows.values()))
        cs.simulate(tmp / "sim", SimConfig(seed=3, accounts=args.accounts))
        ws = cs.open_workspace(tmp / "sim-ws").ensure()
        cs.ingest_dataset(tmp / "sim", ws)
        cs.detect(ws, only=["coordination"])
        g = _timed(f"export graph gexf (simulated, {args.accounts} accounts)",
                   lambda: cs.export_graph(ws, tmp / "net.gexf", fmt="gexf"), lambda r: r.nodes + r.edges)
        print(f"  graph: {g.nodes:,} nodes, {g.edges:,} edges, {g.networks} networks")
        _timed("export table posts (simulated)", lambda: cs.export_table(ws, "posts", tmp / "posts.parquet"), int)


if __name__ == "__main__":
    main()
