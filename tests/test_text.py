from civicshield.text import content_text, fold, hashtags_in, normalize_url


def test_fold_matches_romanian_diacritic_variants():
    # comma-below, cedilla and plain forms must compare equal
    assert fold("Șoșoacă") == fold("Şoşoacă") == fold("sosoaca")
    assert fold("  ÎNTÂLNIRE   mâine ") == "intalnire maine"
    assert fold(None) == "" and fold("") == ""


def test_content_text_drops_urls_mentions_and_punctuation():
    a = content_text("Votați #Georgescu!!! https://x.ro/a?utm_source=tt @ion")
    b = content_text("votati georgescu @maria http://y.ro")
    assert a == b == "votati georgescu"


def test_hashtags_in_text():
    assert hashtags_in("Hai #România #VOT2024 azi") == ["romania", "vot2024"]


def test_normalize_url_strips_scheme_www_tracking_fragment():
    base = normalize_url("https://example.ro/stire?id=3")
    assert base == "example.ro/stire?id=3"
    for variant in (
        "http://www.example.ro/stire/?id=3",
        "HTTPS://WWW.EXAMPLE.RO/stire?utm_source=tiktok&id=3#top",
        "example.ro/stire?fbclid=abc&id=3",
    ):
        assert normalize_url(variant) == base
    # a path is part of identity: different articles stay different
    assert normalize_url("https://example.ro/alta?id=3") != base
    # no URL is no key, never the empty string shared by everyone
    assert normalize_url("") == "" and normalize_url("   ") == "" and normalize_url(None) == ""


def test_fold_strips_exactly_the_combining_marks():
    import unicodedata

    def reference(text):  # the definition fold() speeds up
        t = unicodedata.normalize("NFKC", text).casefold().translate(str.maketrans({"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe"}))
        return " ".join("".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c)).split())

    for s in ["Árvíztűrő tükörfúrógép", "Cаlin Gеorgescu", "ﬁ ① Ｆｕｌｌ", "e\u0301 a\u0308", "हिन्दी", "ใบไม้", "Việt Nam", "😀 🇷🇴",
              "Straße œuvre", "plain ascii TEXT"]:
        assert fold(s) == reference(s), s
