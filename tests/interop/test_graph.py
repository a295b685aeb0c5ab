"""GraphML / GEXF export of networks found in a workspace.

The workspace holds a planted network (five accounts posting the same
hashtag and URL seconds apart on four days), a second small network, and
organic look-alikes (a crowd posting a viral hashtag at one moment, with
one network member among them).  Findings are stored directly: this tests
the export, not the detector."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.errors import CivicshieldError
from civicshield.interop import export_graph

T0 = dt.datetime(2024, 11, 1, 12, 0)
OP = [f"op{i}" for i in range(1, 6)]
NET_B = ["b1", "b2", "b3"]
CROWD = [f"org{i}" for i in range(1, 7)]


def _finding(fid, kind, score, accounts, network_id=None):
    return {"finding_id": fid, "kind": kind, "detector": "test", "score": score, "account_ids": accounts,
            "post_ids": [], "engagements": [], "network_id": network_id, "first_seen": T0, "last_seen": T0,
            "evidence": {"why": "planted"}}


@pytest.fixture
def ws(make_workspace):
    accounts = [{"account_id": a, "handle": f"h_{a}", "created_at": T0 - dt.timedelta(days=30),
                 "follower_count": 3, "registration_country": "RO"} for a in OP + NET_B + CROWD]
    posts = []
    for day in range(4):  # four co-action events, seconds apart
        for i, a in enumerate(OP):
            posts.append({"post_id": f"p-{a}-{day}", "account_id": a, "created_at": T0 + dt.timedelta(days=day, seconds=5 * i),
                          "hashtags": ["salvati"], "urls": ["https://op.example/x"]})
    for i, a in enumerate(NET_B):
        posts.append({"post_id": f"p-{a}", "account_id": a, "created_at": T0 + dt.timedelta(hours=5, seconds=i),
                      "hashtags": ["bnet"]})
    # op1 and b1 also meet once on a shared hashtag: not an edge, they are in different networks
    posts.append({"post_id": "p-op1-x", "account_id": "op1", "created_at": T0 + dt.timedelta(hours=9), "hashtags": ["cross"]})
    posts.append({"post_id": "p-b1-x", "account_id": "b1", "created_at": T0 + dt.timedelta(hours=9, seconds=2),
                  "hashtags": ["cross"]})
    for i, a in enumerate(CROWD + ["op2"]):  # a viral moment
        posts.append({"post_id": f"v-{a}", "account_id": a, "created_at": T0 + dt.timedelta(days=6, seconds=i),
                      "hashtags": ["viral"]})
    w = make_workspace(accounts=accounts, posts=posts)
    with w.events() as store:
        store.replace_findings("test", [
            _finding("f1", "coordinated_network", 0.9, OP, "net-op"),
            _finding("f2", "coordinated_network", 0.7, NET_B, "net-b"),
            _finding("f3", "fake_engagement", 0.6, ["op2"]),
            _finding("f4", "fake_engagement", 0.8, ["org1"]),
        ])
    return w


def test_graphml_has_members_with_attributes_and_coaction_edges(ws, tmp_path):
    res = export_graph(ws, tmp_path / "net.graphml")
    assert (res.nodes, res.edges, res.networks) == (8, 13, 2)
    g = nx.read_graphml(tmp_path / "net.graphml")
    assert set(g.nodes) == set(OP + NET_B)  # the crowd is not in it
    n = g.nodes["op2"]
    assert n["network_id"] == "net-op" and n["handle"] == "h_op2" and n["registration_country"] == "RO"
    assert n["follower_count"] == 3 and n["created_at"] == "2024-10-02T12:00:00"
    assert n["score_coordinated_network"] == 0.9 and n["score_fake_engagement"] == 0.6
    assert "score_fake_engagement" not in g.nodes["op1"]
    op_edges = g.subgraph(OP).edges(data=True)
    assert len(op_edges) == 10  # every pair of the five
    e = g.edges["op1", "op2"]
    assert e["weight"] == 4 and e["min_gap_s"] == 5.0 and e["median_gap_s"] == 5.0
    assert "hashtag:salvati" in e["keys"] and "url:" in e["keys"]
    assert e["first_at"] == "2024-11-01T12:00:00Z" and e["last_at"] == "2024-11-04T12:00:00Z"
    assert g.edges["op1", "op5"]["min_gap_s"] == 20.0
    assert not g.has_edge("op1", "b1")  # co-acted once, but across networks
    assert g.edges["b1", "b3"]["weight"] == 1


def test_gexf_for_gephi_holds_the_same_graph(ws, tmp_path):
    export_graph(ws, tmp_path / "net.gexf", fmt="gexf")
    g = nx.read_gexf(tmp_path / "net.gexf")
    assert set(g.nodes) == set(OP + NET_B) and g.number_of_edges() == 13
    assert g.nodes["b2"]["network_id"] == "net-b"
    assert float(g.edges["op2", "op3"]["weight"]) == 4


def test_other_kinds_give_nodes_only_and_bad_options_are_refused(ws, tmp_path):
    res = export_graph(ws, tmp_path / "fe.graphml", kind="fake_engagement")
    g = nx.read_graphml(tmp_path / "fe.graphml")
    assert set(g.nodes) == {"op2", "org1"} and res.edges == 0
    assert g.nodes["org1"]["score_fake_engagement"] == 0.8
    assert json.loads(g.graph["finding_scores"]) == {"f3": 0.6, "f4": 0.8}
    with pytest.raises(CivicshieldError, match="graphml, gexf"):
        export_graph(ws, tmp_path / "x.dot", fmt="dot")
    with pytest.raises(CivicshieldError, match="finding kind"):
        export_graph(ws, tmp_path / "x.graphml", kind="friends")


def test_cli_export_graph(ws, tmp_path):
    out = tmp_path / "g.gexf"
    r = CliRunner().invoke(app, ["export", "graph", "--workspace", str(ws.path), "--format", "gexf", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert nx.read_gexf(out).number_of_nodes() == 8
    bad = CliRunner().invoke(app, ["export", "graph", "--workspace", str(ws.path), "--format", "svg", "--out", str(out)])
    assert bad.exit_code == 2 and "graphml, gexf" in bad.stderr
