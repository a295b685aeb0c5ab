import datetime as dt

from civicshield.detect.content import paid_promotion

from ._rows import T0, account, account_ids, post, post_ids, run

HOUR = 60
SCRIPT = "România merită un președinte care o iubește. {n} Votați Călin Georgescu pe 24 noiembrie!"
TAGS = ["romaniatrezita", "calingeorgescu", "fyp"]
OWN = [
    "Am urmărit dezbaterea aseară, Elena Lasconi a vorbit bine despre educație",
    "Nu știu cu cine votez la alegeri, voi ce ziceți?",
    "Mi se pare că Georgescu nu a explicat nimic despre economie",
    "Turul 1 e duminică, verificați secția de votare",
    "Campania lui Lasconi e slabă pe sănătate, după mine",
    "Cine câștigă alegerile prezidențiale? Pariuri în comentarii",
]


def creators(prefix, n, **kw):
    return [account(f"{prefix}{i}", account_type="creator", **kw) for i in range(n)]


def test_campaign_found_organic_creators_not(make_workspace):
    posts = []
    # the campaign: six creators post the script within five hours, undisclosed
    for i in range(6):
        posts.append(post(f"camp-{i}", f"paid{i}", SCRIPT.format(n=["🇷🇴", "❤️", "", "💪", "🙏", "!"][i]),
                          minutes=i * 50, hashtags=TAGS))
    # the same script, disclosed as a paid partnership: political branded content, not this kind
    for i in range(3):
        posts.append(post(f"disc-{i}", f"disc{i}", SCRIPT.format(n=""), minutes=i * 30, hashtags=TAGS,
                          branded_content=True))
    # creators talking about the election on their own, in their own words, at their own times
    for i, text in enumerate(OWN):
        posts.append(post(f"own-{i}", f"own{i}", text, minutes=i * 7 * HOUR, hashtags=["alegeri2024"]))
    # a common phrase, used by creators all season long
    for i in range(8):
        posts.append(post(f"common-{i}", f"own{i % 6}", "Am votat! Fiecare vot contează, mergeți la vot",
                          minutes=i * 5 * 24 * HOUR - 30 * 24 * HOUR, hashtags=["votez"]))
    # ordinary accounts (not creators) copying the script: the coordination detectors' job
    for i in range(4):
        posts.append(post(f"fan-{i}", f"fan{i}", SCRIPT.format(n=""), minutes=i * 20, hashtags=TAGS))
    # a debate: a crowd of ordinary accounts and a few creators post the same reaction within the hour
    for i in range(24):
        posts.append(post(f"debate-{i}", f"crowd{i}" if i >= 4 else f"own{i}", "Sincer, dezbaterea a fost slabă",
                          minutes=10 * 24 * HOUR + i * 2, hashtags=["dezbatere", "alegeri2024"]))
    accounts = (creators("paid", 6) + creators("disc", 3) + creators("own", 6)
                + [account(f"fan{i}", follower_count=120) for i in range(4)]
                + [account(f"crowd{i}", follower_count=300) for i in range(4, 24)])
    ws = make_workspace(accounts=accounts, posts=posts)
    found = run(ws, paid_promotion.DETECTOR)
    assert len(found) == 1
    f = found[0]
    assert set(f.account_ids) == {f"paid{i}" for i in range(6)}
    assert set(f.post_ids) == {f"camp-{i}" for i in range(6)}
    assert f.network_id.startswith("promo-")
    assert "romaniatrezita" in f.evidence["shared_hashtags"] and "payments" not in f.evidence


def test_payments_strengthen_and_let_two_creators_count(make_workspace):
    posts = [post(f"camp-{i}", f"paid{i}", SCRIPT.format(n=""), minutes=i * 40, hashtags=TAGS) for i in range(2)]
    posts += [post("x", "other", SCRIPT.format(n="!"), minutes=25 * 24 * HOUR, hashtags=TAGS)]
    payments = [{"payer": "Bogdan P. (Telegram)", "payee_account_id": f"paid{i}", "amount": 1000.0 * (i + 1),
                 "currency": "USD", "paid_at": T0 - dt.timedelta(days=3)} for i in range(2)]
    accounts = creators("paid", 2) + [account("other", account_type="creator")]
    ws = make_workspace(accounts=accounts, posts=posts)
    assert run(ws, paid_promotion.DETECTOR) == ()  # two creators alone are not enough
    ws = make_workspace(accounts=accounts, posts=posts, payments=payments)
    found = run(ws, paid_promotion.DETECTOR)
    assert account_ids(found) == {"paid0", "paid1"} and post_ids(found) == {"camp-0", "camp-1"}
    assert found[0].evidence["payments"]["Bogdan P. (Telegram)"]["total"] == 3000.0
