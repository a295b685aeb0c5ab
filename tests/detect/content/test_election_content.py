import datetime as dt

from civicshield.detect.content import election_content
from civicshield.detect.content._political import PoliticalMatcher

from ._rows import account, post, post_ids, run


def test_labels_posts_about_the_election_in_its_languages(make_workspace):
    posts = [
        # about the election
        post("ro-diacritics", "u1", "Mergeți la vot! Prezidențiale 2024, turul 1", language="ro"),
        post("ro-plain", "u1", "Mergeti la vot, prezidentiale, turul 1"),  # no diacritics, no language column
        post("full-name", "u2", "Ce părere aveți despre Călin Georgescu?", language="ro"),
        post("hashtag-only", "u2", "uite", hashtags=["calingeorgescu"], language="ro"),
        post("year-tag", "u3", "", hashtags=["alegeri2024"]),
        post("party", "u3", "Partidul Social Democrat a anunțat lista", language="ro"),
        post("hu", "u4", "Lasconi és Georgescu a második fordulóban", language="hu"),
        post("en-name", "u4", "Elena Lasconi spoke in Brasov today", language="en"),
        # look-alikes: same surname, everyday words, other text
        post("surname", "u5", "La mulți ani, Andrei Georgescu!", language="ro"),
        post("substring", "u5", "Votez pentru cea mai bună pizza din oraș", language="ro"),
        post("recipe", "u6", "Rețetă de sarmale pentru duminică", language="ro"),
        post("old", "u6", "Mergeți la vot! alegeri", created_at=dt.datetime(2023, 1, 1)),
    ]
    ws = make_workspace(accounts=[account(f"u{i}") for i in range(1, 7)], posts=posts)
    found = run(ws, election_content.DETECTOR)
    assert post_ids(found) == {"ro-diacritics", "ro-plain", "full-name", "hashtag-only", "year-tag", "party", "hu",
                               "en-name"}
    f = next(f for f in found if f.post_ids == ("full-name",))
    assert f.evidence["label_url"] == "https://www.roaep.ro/"
    assert "calin georgescu" in f.evidence["matched_terms"]
    assert f.account_ids == ()


def test_inflections_acronyms_and_namesakes(election):
    m = PoliticalMatcher(election)
    political = {
        "Cine câștigă alegerile prezidențiale?": True,  # inflected keywords
        "Discuție în familie despre Georgescului": True,  # inflected surname
        "Sondajele zic că Georgescu intră în turul doi": True,
        "PSD a depus lista": True,
        "La mulți ani, Andrei Georgescu!": False,  # another Georgescu
        "Georgescu Președinte!": True,  # a slogan: "Președinte" is no given name
        "Votați Georgescu în turul doi": True,  # a capitalised verb before the surname
        "Azi Lasconi a vorbit la Cluj": True,
        "Maria Lasconi e vecina mea": False,  # another Lasconi
        "Un inel de aur pentru psd-ul meu": False,  # lower-case acronym
        "Vota o pizza": False,  # 'vot' is too short to inflect
    }
    for text, expected in political.items():
        assert m.is_political(m.assess_text(text)) is expected, text


def test_vectorised_prefilter_loses_nothing(election):
    m = PoliticalMatcher(election)
    texts = [
        "CĂLIN GEORGESCU", "Ca\u0306lin Georgescu",  # upper case; decomposed ă
        "călin-georgescu", "ŞI ALEGERI", "Ｃａｌｉｎ Ｇｅｏｒｇｅｓｃｕ",  # cedilla Ş; fullwidth
        "𝐆𝐞𝐨𝐫𝐠𝐞𝐬𝐜𝐮 𝐥𝐚 𝐯𝐨𝐭", "ⒸⒶⓁⒾⓃ ⒼⒺⓄⓇⒼⒺⓈⒸⓊ",  # "fancy font" and circled letters
        "PSD!", "psd", "Vota o pizza", "nimic aici", "", None, "Georgescului", "Prezidențialele",
    ]
    assert all(m.candidates(texts)[:8])
    fast = [m.is_political(a) for a in m.assess_many(texts, [None] * len(texts))]
    assert fast == [m.is_political(m.assess_text(t)) for t in texts]
    assert fast[:8] == [True] * 8 and not any(fast[8:13])


def test_label_language_detected_only_when_missing(make_workspace):
    posts = [
        post("given", "u1", "Mergeți la vot la alegeri", language="ro"),
        post("hu", "u1", "Vasárnap Lasconi és Georgescu között választunk, mindenki menjen szavazni!"),
        post("en", "u1", "Watched the debate, Elena Lasconi was the strongest tonight"),
    ]
    ws = make_workspace(accounts=[account("u1")], posts=posts)
    by = {f.post_ids[0]: f.evidence["label_language"] for f in run(ws, election_content.DETECTOR)}
    assert by == {"given": "ro", "hu": "hu", "en": "en"}
    by = {f.post_ids[0]: f.evidence["label_language"] for f in run(ws, election_content.DETECTOR, detect_language=False)}
    assert by == {"given": "ro", "hu": "ro", "en": "ro"}


def test_empty_posts_table(make_workspace):
    ws = make_workspace(accounts=[account("u1")], posts=[post("p1", "u1", "")])
    assert run(ws, election_content.DETECTOR) == ()
