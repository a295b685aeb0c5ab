import datetime as dt

from civicshield.detect.content import state_media

from ._rows import T0, account, post, post_ids, run


def imp(pid, country, surface="for_you", n=1):
    return [{"viewer_id": f"v{k}", "post_id": pid, "created_at": T0 + dt.timedelta(hours=1), "surface": surface,
             "viewer_country": country} for k in range(n)]


ACCOUNTS = [
    account("sputnik", "sputnik.md.ro", account_type="state_media", registration_country="RU"),
    account("rt-de", "rt.de", account_type="state_media", registration_country="RU"),
    account("tvr", "tvr.info", account_type="state_media", registration_country="RO"),
    account("unknown", "stiri.azi", account_type="state_media"),
    account("news", "digi24", account_type="business", registration_country="RU"),
]


def test_foreign_state_media_reaching_the_country(make_workspace):
    posts = [
        post("ru-seen", "sputnik", "Știri", language="ro"),
        post("ru-ro-language", "sputnik", "Analiză", language="ro"),  # no impressions: aimed by language
        post("ru-de-unseen", "rt-de", "Nachrichten", language="de"),  # foreign, but seen only in DE
        post("ru-de-seen", "rt-de", "Nachrichten", language="de"),
        post("domestic", "tvr", "Știri: campania electorală", language="ro"),
        post("no-country", "unknown", "Știri", language="ro"),
        post("commercial", "news", "Știri", language="ro"),
    ]
    impressions = imp("ru-seen", "RO", n=3) + imp("ru-de-unseen", "DE", n=5) + imp("ru-de-seen", "RO", "search") \
        + imp("domestic", "RO", n=4) + imp("commercial", "RO")
    ws = make_workspace(accounts=ACCOUNTS, posts=posts, impressions=impressions)
    found = run(ws, state_media.DETECTOR)
    assert post_ids(found) == {"ru-seen", "ru-ro-language", "ru-de-seen"}
    by = {f.post_ids[0]: f for f in found}
    assert by["ru-seen"].evidence["impressions_in_country"] == 3
    assert by["ru-seen"].evidence["for_you_impressions_in_country"] == 3
    assert by["ru-seen"].evidence["for_you"] == "not eligible for viewers outside RU"
    assert by["ru-ro-language"].score < by["ru-seen"].score
    assert post_ids(run(ws, state_media.DETECTOR, language_targeting=False)) == {"ru-seen", "ru-de-seen"}
    assert post_ids(run(ws, state_media.DETECTOR, min_impressions=2)) == {"ru-seen", "ru-ro-language"}


def test_without_impressions_table(make_workspace):
    ws = make_workspace(accounts=ACCOUNTS, posts=[post("a", "sputnik", "x", language="ro"),
                                                  post("b", "rt-de", "x", language="de")])
    assert post_ids(run(ws, state_media.DETECTOR)) == {"a"}
