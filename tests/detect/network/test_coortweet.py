"""CooRTweet input: the co-share network equals coordination-network-toolkit's
co_retweet network, built here in the test run from the same rows."""

from __future__ import annotations

import sqlite3

import igraph as ig
import pyarrow.csv as pacsv
import pytest
from coordination_network_toolkit.compute_networks import compute_co_retweet_parallel
from coordination_network_toolkit.preprocess import preprocess_data

from civicshield.detect.network.coortweet import coortweet_network, read_coortweet
from civicshield.errors import DataError


def _toolkit_co_retweet(shares, db_path, window: int, min_weight: int) -> dict[tuple[str, str], int]:
    """The toolkit's network: a share is a message reposting its object; its
    message id must be unique, and one content may share several objects."""
    rows = (
        (f"{o}|{m}", a, a, o, None, "", ts, [])
        for o, a, m, ts in zip(*(shares.column(c).to_pylist() for c in ("object_id", "account_id", "content_id", "ts")),
                               strict=True)
    )
    preprocess_data(str(db_path), rows)
    compute_co_retweet_parallel(str(db_path), window, n_threads=2, min_edge_weight=min_weight)
    undirected: dict[tuple[str, str], int] = {}
    with sqlite3.connect(db_path) as db:
        for u, v, w in db.execute("SELECT user_1, user_2, weight FROM co_retweet_network WHERE user_1 != user_2"):
            key = (min(u, v), max(u, v))
            undirected[key] = max(undirected.get(key, 0), w)
    return undirected


@pytest.mark.parametrize("min_participation, at_least", [(1, 100), (3, 5)])
def test_equals_the_toolkit_co_retweet_network_on_real_data(shared_dir, tmp_path, min_participation, at_least):
    path = shared_dir / "data" / "coortweet" / "russian_coord_tweets.csv"
    ours = coortweet_network(path, 60, min_participation, tmp_path / "net")
    theirs = _toolkit_co_retweet(read_coortweet(path), tmp_path / "toolkit.db", 60, min_participation)
    mine = dict(zip(zip(ours.edges.column("source").to_pylist(), ours.edges.column("target").to_pylist(), strict=True),
                    ours.edges.column("weight").to_pylist(), strict=True))
    assert len(theirs) >= at_least  # the real data has coordination at 60 s
    assert mine == theirs
    # the files hold the same network
    back = pacsv.read_csv(ours.csv).to_pylist()
    assert {(r["source"], r["target"]): r["weight"] for r in back} == mine
    g = ig.Graph.Read_GraphML(str(ours.graphml))
    assert g.ecount() == len(mine) and g.vcount() == ours.accounts


def test_window_and_weights_on_a_small_case(tmp_path):
    csv = tmp_path / "s.csv"
    csv.write_text(
        "object_id,account_id,content_id,timestamp_share\n"
        "o1,a,c1,1000\n" "o1,b,c2,1060\n" "o1,c,c3,1061\n"  # a-b at exactly 60 s, a-c at 61 s: not linked
        "o2,a,c4,2000\n" "o2,b,c5,2001\n" "o2,b,c6,2002\n"  # b shares o2 twice: b->a counts 2
        "o2,a,c4,2000\n"  # an exact repeat of a row is the same share
    )
    net = coortweet_network(csv, 60, 1, None)
    edges = {(r["source"], r["target"]): r["weight"] for r in net.edges.to_pylist()}
    assert edges == {("a", "b"): 3, ("b", "c"): 1}
    assert coortweet_network(csv, 60, 2, None).edges.to_pylist() == [{"source": "a", "target": "b", "weight": 3}]


@pytest.mark.parametrize(
    "body, row, column",
    [
        ("object_id,account_id,content_id\no,a,c\n", None, "timestamp_share"),
        ("object_id,account_id,content_id,timestamp_share\no,a,c,1\no,,c2,2\n", 2, "account_id"),
        ("object_id,account_id,content_id,timestamp_share\no,a,c,1\no,b,c2,yesterday\n", 2, "timestamp_share"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, body, row, column):
    csv = tmp_path / "bad.csv"
    csv.write_text(body)
    with pytest.raises(DataError) as e:
        read_coortweet(csv)
    assert (e.value.file, e.value.row, e.value.column) == (str(csv), row, column)
