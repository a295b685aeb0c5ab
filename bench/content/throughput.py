"""Throughput of the text detectors: N posts through every content detector
that reads text (election_content, political_ads, paid_promotion,
recruitment) plus impersonation over the accounts.

    python bench/content/throughput.py [--posts 1000000] [--accounts 100000]

Posts are built from the simulator's vocabulary with a random tail, so
nearly every text is distinct (folding each distinct text once would
otherwise make the figure flatter than real data).  Prints seconds per
detector, findings per detector and the load average: compare figures only
on a quiet machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from civicshield.detect.base import run_detector
from civicshield.detect.content import election_content, impersonation, paid_promotion, political_ads, recruitment
from civicshield.detect.context import DetectionContext
from civicshield.election import Candidate, Election, Party
from civicshield.sim import vocab
from civicshield.store import EventStore
from civicshield.store.build import build_store

ELECTION = Election(
    id="bench", country="RO", name="bench", rounds=(dt.date(2024, 11, 24), dt.date(2024, 12, 8)),
    watch_from=dt.date(2024, 9, 1), authority_name="Permanent Electoral Authority",
    authority_url="https://www.roaep.ro/", languages=("ro", "hu"),
    keywords=("alegeri", "prezidențiale", "vot", "votez", "candidat", "turul", "választás", "election"),
    candidates=tuple(Candidate(id=f"c{i}", name=n, aliases=(n.split()[-1],), official_account_ids=(f"a{i}",))
                     for i, n in enumerate(("Călin Georgescu", "Elena Lasconi", "Marcel Ciolacu", "George Simion",
                                            "Nicolae Ciucă", "Kelemen Hunor", "Mircea Geoană"))),
    parties=(Party(id="psd", name="Partidul Social Democrat", aliases=("PSD",)),
             Party(id="aur", name="Alianța pentru Unirea Românilor", aliases=("AUR",))),
)


def make_tables(n_posts: int, n_accounts: int, seed: int = 1) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    names = [c.name for c in ELECTION.candidates]
    ordinary = [t for lang in vocab.ORDINARY.values() for t in lang]
    election = [t for lang in vocab.ELECTION.values() for t in lang]
    fill = dict(city="Cluj", food="sarmale", team="Rapid", place="Sinaia", artist="INNA", t="economie")
    words = [*vocab.RO_CITIES, *vocab.FOODS_RO, *vocab.RO_MALE, *vocab.RO_FEMALE, *vocab.TOPICS_RO]
    is_el = rng.random(n_posts) < 0.3
    tpl = rng.integers(0, 10**6, n_posts)
    tail = rng.integers(0, len(words), (n_posts, 3))
    texts = [
        (election[k % len(election)] if e else ordinary[k % len(ordinary)]).format(
            c=names[k % len(names)], e=vocab.EMOJI[k % len(vocab.EMOJI)], **fill)
        + f" {words[a]} {words[b]} {words[c]} {k}"
        for e, k, (a, b, c) in zip(is_el.tolist(), tpl.tolist(), tail.tolist(), strict=True)
    ]
    tags_pool = list(vocab.ORDINARY_TAGS) + list(vocab.ELECTION_TAGS)
    ntags = rng.integers(0, 4, n_posts)
    flat = rng.integers(0, len(tags_pool), int(ntags.sum()))
    offsets = np.concatenate([[0], np.cumsum(ntags)])
    hashtags = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array([tags_pool[i] for i in flat]))
    t0 = np.datetime64("2024-09-01T00:00:00")
    created = t0 + rng.integers(0, 100 * 86400, n_posts).astype("timedelta64[s]")
    acc_ids = np.array([f"u{i}" for i in range(n_accounts)])
    posts = pa.table({
        "post_id": [f"p{i}" for i in range(n_posts)],
        "account_id": acc_ids[rng.integers(0, n_accounts, n_posts)],
        "created_at": pa.array(created.astype("datetime64[us]")),
        "text": texts,
        "hashtags": hashtags,
        "language": np.where(rng.random(n_posts) < 0.8, "ro", None).tolist(),
        "is_ad": rng.random(n_posts) < 0.01,
        "branded_content": rng.random(n_posts) < 0.01,
    })
    first = rng.choice([*vocab.RO_MALE, *vocab.RO_FEMALE], n_accounts)
    last = rng.choice([*vocab.RO_SURNAMES, "Georgescu", "Simion"], n_accounts)
    accounts = pa.table({
        "account_id": acc_ids,
        "handle": [f"{f.lower()}.{s.lower()}{i % 100}" for i, (f, s) in enumerate(zip(first, last, strict=True))],
        "display_name": [f"{f} {s}" for f, s in zip(first, last, strict=True)],
        "created_at": pa.array(np.full(n_accounts, np.datetime64("2020-01-01T00:00:00", "us"))),
        "account_type": np.where(rng.random(n_accounts) < 0.03, "creator", "personal").tolist(),
        "avatar_hash": [f"{x:016x}" * 4 for x in rng.integers(0, 2**62, n_accounts).tolist()],
    })
    msg_t = t0 + rng.integers(0, 100 * 86400, 300).astype("timedelta64[s]")
    messages = pa.table({
        "source": ["telegram"] * 300, "channel": ["@bench"] * 300, "message_id": [str(i) for i in range(300)],
        "created_at": pa.array(msg_t.astype("datetime64[us]")),
        "text": [f"Postați cu #{tags_pool[i % len(tags_pool)]}" for i in range(300)],
        "hashtags": [[tags_pool[i % len(tags_pool)]] for i in range(300)],
    })
    return {"accounts": accounts, "posts": posts, "external_messages": messages}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--accounts", type=int, default=100_000)
    args = ap.parse_args()
    t = time.perf_counter()
    tables = make_tables(args.posts, args.accounts)
    print(f"generated {args.posts:,} posts, {args.accounts:,} accounts in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.duckdb"
        build_store(path, ELECTION, tables)
        total = 0.0
        with EventStore(path, read_only=True) as store:
            ctx = DetectionContext(store=store, election=ELECTION)
            cpu_total = 0.0
            for det in (election_content, political_ads, paid_promotion, recruitment, impersonation):
                t, c = time.perf_counter(), time.process_time()
                res = run_detector(det.DETECTOR, ctx)
                took, cpu = time.perf_counter() - t, time.process_time() - c
                total += took
                cpu_total += cpu
                print(f"  {det.DETECTOR.name:18s} wall {took:7.1f} s  cpu {cpu:7.1f} s  {len(res.findings):8,d} findings")
    load = os.getloadavg()
    # CPU time (all threads of this process) is what a quiet machine would
    # need at most; wall time on a shared machine is inflated by the others.
    print(f"total wall {total:.1f} s, cpu {cpu_total:.1f} s on {os.cpu_count()} cores; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
