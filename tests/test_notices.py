"""Search notices: the election labels' classifier asked of a search query,
in Romanian, Hungarian and English, with and without diacritics; queries that
only look like it (a football vote, Dan Brown) get no notice."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from civicshield._testing import ro_election
from civicshield.cli import app
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.election import Candidate
from civicshield.errors import DataError
from civicshield.gate import Gate
from civicshield.gate.app import create_app
from civicshield.gate.state import MemoryState
from civicshield.notices import THRESHOLD, SearchNotices, search_notice

ELECTION = ro_election(
    keywords=("alegeri", "prezidențiale", "vot", "candidat", "turul", "választás", "szavazás", "elnökválasztás",
              "election", "ballot"),
    candidates=ro_election().candidates + (Candidate(id="cand-dan", name="Nicușor Dan", aliases=("Dan",)),
                                           Candidate(id="cand-kelemen", name="Kelemen Hunor",
                                                     aliases=("Kelemen", "Hunor Kelemen"))),
)
ABOUT = [
    "unde votez la alegerile prezidențiale",
    "unde votez la alegerile prezidentiale",  # without diacritics
    "CĂLIN GEORGESCU",
    "calin georgescu program",
    "mikor lesz az elnökválasztás",
    "mikor lesz az elnokvalasztas",
    "Kelemen Hunor",
    "romania presidential election date",
    "#alegeri2024",
    "Nicușor Dan",
    "nicusor dan primar",
]
NOT_ABOUT = [
    "vote for the goal of the week football",
    "votează golul etapei liga 1",
    "Dan Brown",
    "Dan Brown Da Vinci Code",
    "rețetă de sarmale",
    "szavazz a hét góljára",
]


@pytest.mark.parametrize("query", ABOUT)
def test_election_queries_get_the_notice_with_the_authority_link(query):
    n = search_notice(ELECTION, query)
    assert n.about_election, n
    assert n.url == "https://www.roaep.ro/" and n.url in n.notice


@pytest.mark.parametrize("query", NOT_ABOUT)
def test_look_alike_queries_get_none(query):
    n = search_notice(ELECTION, query)
    assert not n.about_election and n.notice is None, n


def test_one_definition_with_the_election_labels():
    """Exactly the posts the labels' classifier calls political get a notice."""
    matcher = PoliticalMatcher(ELECTION, THRESHOLD)
    for q in ABOUT + NOT_ABOUT:
        assert search_notice(ELECTION, q).about_election == matcher.is_political(matcher.assess_text(q))


def test_notice_language():
    assert search_notice(ELECTION, "választás", "hu").language == "hu"
    assert "Választási" in search_notice(ELECTION, "választás", "hu").notice
    assert search_notice(ELECTION, "alegeri").language == "ro"  # the election's first language
    assert search_notice(ELECTION, "election", "xx").language == "ro"


@pytest.mark.parametrize("query", ["", "   ", "x" * 501, None, 12])
def test_bad_queries_are_refused(query):
    with pytest.raises(DataError, match="query"):
        SearchNotices(ELECTION).check(query)


def test_gate_endpoint():
    c = TestClient(create_app(Gate(MemoryState()), notices=SearchNotices(ELECTION)))
    r = c.post("/v1/search-notice", json={"query": "unde votez la alegeri", "language": "ro"})
    assert r.status_code == 200 and r.json()["about_election"] and "roaep.ro" in r.json()["notice"]
    assert c.post("/v1/search-notice", json={"query": "Dan Brown"}).json()["notice"] is None
    bad = c.post("/v1/search-notice", content=b'{"query": "' + b"a" * 10_000 + b'"}')
    assert bad.status_code == 400 and bad.json()["column"] == "query"
    assert c.post("/v1/search-notice", content=b"not json").status_code == 400
    assert c.post("/v1/search-notice", json=["alegeri"]).status_code == 400
    unconfigured = TestClient(create_app(Gate(MemoryState())))
    assert unconfigured.post("/v1/search-notice", json={"query": "alegeri"}).status_code == 503


def test_cli(make_workspace):
    ws = make_workspace(election=ELECTION)
    r = CliRunner().invoke(app, ["search-notice", "mikor lesz az elnokvalasztas", "-w", str(ws.path), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["about_election"] is True
    r = CliRunner().invoke(app, ["search-notice", "Dan Brown", "-w", str(ws.path)])
    assert r.exit_code == 0 and "not about the election" in r.output
    r = CliRunner().invoke(app, ["search-notice", " ", "-w", str(ws.path)])
    assert r.exit_code == 2 and "query" in r.output


def test_the_served_gate_gets_the_election_from_its_configuration(tmp_path, monkeypatch):
    """``gate serve --election`` hands the file to each worker through the
    environment; a broken election file fails before serving."""
    from civicshield.gate import app as gate_app

    toml = tmp_path / "election.toml"
    toml.write_text('id = "x"\ncountry = "RO"\nname = "X"\nrounds = ["2024-11-24"]\nkeywords = ["alegeri"]\n'
                    'authority_name = "AEP"\nauthority_url = "https://www.roaep.ro/"\n', encoding="utf-8")
    monkeypatch.setenv("CIVICSHIELD_GATE_CONFIG", json.dumps({"redis": None, "rules": None, "shadow": None,
                                                              "prefix": "cs:gate:", "election": str(toml)}))
    c = TestClient(gate_app.app_from_env())
    assert c.post("/v1/search-notice", json={"query": "alegeri"}).json()["url"] == "https://www.roaep.ro/"
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    with pytest.raises(DataError, match="country|name|rounds"):
        gate_app.serve(election_path=bad, port=0)
