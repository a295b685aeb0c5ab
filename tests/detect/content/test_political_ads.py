from civicshield.detect.content import political_ads

from ._rows import account, post, post_ids, run


def test_political_ads_and_gpppa_ads(make_workspace):
    accounts = [
        account("shop", account_type="business"),
        account("creator", account_type="creator"),
        account("party", account_type="party"),
        account("gov", account_type="government"),
        account("fan"),
    ]
    posts = [
        post("pol-ad", "shop", "Votați Călin Georgescu în turul 1!", is_ad=True),
        post("pol-branded", "creator", "De ce merg la vot pentru Elena Lasconi #ad", branded_content=True),
        post("gpppa-ad", "party", "Sărbători fericite de la noi!", is_ad=True),
        post("gov-ad", "gov", "Campania de vaccinare continuă", is_ad=True),
        # look-alikes
        post("shoe-ad", "shop", "Pantofi noi la reducere", is_ad=True),
        post("brand-deal", "creator", "Colaborare plătită cu @cafea: cafeaua mea de dimineață", branded_content=True),
        post("organic-pol", "fan", "Merg la vot pentru Elena Lasconi"),
        post("party-organic", "party", "Mitingul nostru de azi, Partidul Social Democrat"),
    ]
    ws = make_workspace(accounts=accounts, posts=posts)
    found = run(ws, political_ads.DETECTOR)
    assert post_ids(found) == {"pol-ad", "pol-branded", "gpppa-ad", "gov-ad"}
    by = {f.post_ids[0]: f for f in found}
    assert by["gpppa-ad"].evidence["account_type"] == "party"
    assert "political content in branded content" in by["pol-branded"].evidence["reasons"]
