import datetime as dt

from civicshield.detect.content import recruitment

from ._rows import T0, account, account_ids, post, run

DAY = 24 * 60


def msg(mid, minutes, text, hashtags=(), urls=(), channel="patrioti_ro"):
    return {"source": "telegram", "channel": channel, "message_id": mid,
            "created_at": T0 + dt.timedelta(minutes=minutes), "text": text, "hashtags": list(hashtags),
            "urls": list(urls)}


MESSAGES = [
    msg("1", 0, "Postați ACUM cu #romaniatrezita și #georgescupresedinte! Distribuiți!",
        ["romaniatrezita", "georgescupresedinte"]),
    msg("2", 2 * DAY, "Distribuiți linkul: https://adevarul-ascuns.ro/dezvaluiri?utm_source=tg",
        urls=["https://adevarul-ascuns.ro/dezvaluiri?utm_source=tg"]),
    msg("3", 4 * DAY, "Copiați și postați: „Nu vă lăsați mințiți de sistem, votați cu inima”"),
    msg("4", 6 * DAY, "Postați cu #alegeri2024 azi!", ["alegeri2024"]),
    msg("5", 6 * DAY + 60, "Postați iar cu #alegeri2024!", ["alegeri2024"]),
    # a news channel: links, no instruction
    msg("n1", 1 * DAY, "Citește: https://digi24.ro/stiri/1", urls=["https://digi24.ro/stiri/1"], channel="stiri"),
    msg("n2", 3 * DAY, "Citește: https://digi24.ro/stiri/2", urls=["https://digi24.ro/stiri/2"], channel="stiri"),
]


def test_recruits_found_organic_users_not(make_workspace):
    posts = []
    for i, acc in enumerate(("r1", "r2", "r3")):
        posts += [
            post(f"{acc}-a", acc, "Sunt cu el!", minutes=3 + i * 4, hashtags=["romaniatrezita"]),
            post(f"{acc}-b", acc, "Uitați https://www.adevarul-ascuns.ro/dezvaluiri/", minutes=2 * DAY + 5 + i * 3),
            post(f"{acc}-c", acc, "Nu vă lăsați mințiți de sistem, votați cu inima!", minutes=4 * DAY + 10 + i),
        ]
    posts += [
        # one coincidence only
        post("o1-a", "o1", "ce zi", minutes=20, hashtags=["romaniatrezita"]),
        # later organic use of the campaign hashtag
        post("o2-a", "o2", "am văzut hashtagul", minutes=120, hashtags=["romaniatrezita"]),
        post("o2-b", "o2", "din nou", minutes=2 * DAY + 180, hashtags=["romaniatrezita"]),
        # a common election hashtag, used all along, also right after messages 4 and 5
        *[post(f"bg-{k}", f"bg{k % 5}", "Duminică la vot", minutes=6 * DAY - 600 + k * 30, hashtags=["alegeri2024"])
          for k in range(40)],
        # news readers sharing links right after a news channel, twice
        post("n-a", "reader", "interesant https://digi24.ro/stiri/1", minutes=DAY + 4),
        post("n-b", "reader", "https://digi24.ro/stiri/2 de citit", minutes=3 * DAY + 6),
    ]
    accounts = [account(a) for a in {p["account_id"] for p in posts}]
    ws = make_workspace(accounts=accounts, posts=posts, external_messages=MESSAGES)
    found = run(ws, recruitment.DETECTOR)
    assert account_ids(found) == {"r1", "r2", "r3"}
    f = next(f for f in found if f.account_ids == ("r2",))
    assert f.evidence["instructions_followed"] == 3 and f.network_id == "telegram:patrioti_ro"
    matched = {m for step in f.evidence["followed"] for p in step["posts"] for m in p["matched"]}
    assert matched == {"romaniatrezita", "adevarul-ascuns.ro/dezvaluiri", "nu va lasati mintiti de sistem votati cu inima"}
    # without the instruction filter, the news readers follow two "instructions"
    assert "reader" in account_ids(run(ws, recruitment.DETECTOR, require_instruction=False))
    # a tighter window loses the slowest recruit (11-12 minutes after each message)
    assert account_ids(run(ws, recruitment.DETECTOR, window_minutes=8)) == {"r1", "r2"}


def test_reused_hashtag_stays_a_target(make_workspace):
    """An operation that repeats its hashtag within a day: its own followers'
    earlier posts do not make the hashtag 'common'."""
    messages = [msg(str(k), k * 300, "Postați cu #lasconipentruromania!", ["lasconipentruromania"]) for k in range(3)]
    posts = [post(f"{a}-{k}", a, "Suveranitate, credință și demnitate", minutes=k * 300 + 5 + i,
                  hashtags=["lasconipentruromania"])
             for k in range(3) for i, a in enumerate(f"r{j}" for j in range(6))]
    posts.append(post("late", "organic", "ce înseamnă?", minutes=3 * DAY, hashtags=["lasconipentruromania"]))
    ws = make_workspace(accounts=[account(f"r{j}") for j in range(6)] + [account("organic")], posts=posts,
                        external_messages=messages)
    found = run(ws, recruitment.DETECTOR)
    assert account_ids(found) == {f"r{j}" for j in range(6)}
    assert all(f.evidence["instructions_followed"] == 3 for f in found)
