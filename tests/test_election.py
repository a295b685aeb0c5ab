import datetime as dt

import pytest

from civicshield.election import Election, load_election
from civicshield.errors import DataError

GOOD = """
id = "ro-2024-presidential"
country = "RO"
name = "Romanian presidential election 2024"
rounds = ["2024-11-24", "2024-12-08"]
watch_from = "2024-09-01"
authority_url = "https://www.roaep.ro/"
languages = ["ro", "hu"]
keywords = ["alegeri"]

[[candidates]]
id = "cand-georgescu"
name = "Călin Georgescu"
aliases = ["Georgescu"]
official_account_ids = ["a1029"]
"""


def test_loads_and_round_trips(tmp_path):
    p = tmp_path / "election.toml"
    p.write_text(GOOD, encoding="utf-8")
    e = load_election(p)
    assert e.first_round == dt.date(2024, 11, 24) and e.last_round == dt.date(2024, 12, 8)
    assert e.candidates[0].aliases == ("Georgescu",)
    assert Election.from_json(e.to_json()) == e


@pytest.mark.parametrize(
    "text, column, message",
    [
        (GOOD.replace('id = "ro-2024-presidential"\n', ""), "id", "required key is missing"),
        (GOOD.replace('"2024-11-24"', '"24/11/2024"'), "rounds", "expected a date YYYY-MM-DD"),
        (GOOD.replace('country = "RO"', 'country = "Romania"'), "country", "ISO 3166-1 alpha-2"),
        (GOOD.replace('aliases = ["Georgescu"]', "aliases = [1]"), "aliases", "list of strings"),
        (GOOD.replace('rounds = ["2024-11-24", "2024-12-08"]', "rounds = []"), "rounds", "non-empty list"),
    ],
)
def test_bad_election_names_key(tmp_path, text, column, message):
    p = tmp_path / "election.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_election(p)
    assert e.value.column == column
    assert message in str(e.value)
    assert str(p) in str(e.value)


def test_bad_utf8_and_toml(tmp_path):
    p = tmp_path / "election.toml"
    p.write_bytes(b'name = "\xff"\n')
    with pytest.raises(DataError, match="not valid UTF-8"):
        load_election(p)
    p.write_text("id = [", encoding="utf-8")
    with pytest.raises(DataError, match="not valid TOML"):
        load_election(p)
    with pytest.raises(DataError, match="file not found"):
        load_election(tmp_path / "missing.toml")
