from __future__ import annotations

import datetime as dt
import random

from engagement_plant import T0

from civicshield.detect import DetectionContext, run_detector
from civicshield.detect.engagement.spam_signup import DETECTOR

THROWAWAY = ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "sharklasers.com"]
ORDINARY = ["gmail.com", "yahoo.com", "outlook.com", "yahoo.ro"]


def _run(ws, **params):
    with ws.events() as store:
        return run_detector(DETECTOR, DetectionContext(store=store, election=store.election()), params)


def spam_world(seed: int = 8) -> dict:
    rng = random.Random(seed)
    rows = []

    def attempt(at, device, ip, domain, phone, account=None, country="RO"):
        rows.append({"attempt_id": f"x{len(rows)}", "created_at": at, "device_id": device, "ip_prefix": ip,
                     "country": country, "email_domain": domain, "phone_country": phone, "account_id": account,
                     "user_agent": "Mozilla/5.0"})

    # background: 500 genuine sign-ups over two months, own devices and prefixes
    for i in range(500):
        at = T0 + dt.timedelta(minutes=rng.randint(0, 60 * 1440))
        attempt(at, f"phone-{i}", f"86.{rng.randint(0, 255)}.{rng.randint(0, 255)}", rng.choice(ORDINARY), "RO", f"o{i}")
    # operation 1: 40 attempts in 30 min from 3 emulators behind one prefix; 8 get through
    op1 = []
    start = T0 + dt.timedelta(days=9, hours=3, minutes=50)  # straddles an hour edge
    for i in range(40):
        acc = f"a{i}" if i % 5 == 0 else None
        if acc:
            op1.append(acc)
        domain = rng.choice(THROWAWAY) if i % 4 else "gmail.com"
        phone = rng.choice(["VN", "ID", "BD"]) if i % 3 else "RO"
        attempt(start + dt.timedelta(seconds=45 * i), f"emu-{i % 3}", "103.77.12", domain, phone, acc)
    # operation 2: a fresh device per attempt, one prefix, throwaway mail; 5 get through
    op2 = []
    start = T0 + dt.timedelta(days=20, hours=14)
    for i in range(30):
        acc = f"b{i}" if i % 6 == 0 else None
        if acc:
            op2.append(acc)
        attempt(start + dt.timedelta(seconds=70 * i), f"rand-{i}", "5.188.62", rng.choice(THROWAWAY), "RU", acc)
    # campus NAT: 80 students in two hours behind one prefix, own phones; two use a throwaway address
    campus = []
    start = T0 + dt.timedelta(days=30, hours=9)
    for i in range(80):
        campus.append(f"s{i}")
        domain = THROWAWAY[0] if i in (10, 50) else rng.choice(ORDINARY + ["student.ubbcluj.ro"])
        phone = "MD" if i == 20 else "RO"  # a student from Moldova
        attempt(start + dt.timedelta(seconds=rng.randint(0, 7200)), f"stud-{i}", "193.231.20", domain, phone, f"s{i}")
    # a family: three accounts on one phone in an hour
    for i in range(3):
        attempt(T0 + dt.timedelta(days=40, minutes=10 * i), "family-phone", "86.1.1", "gmail.com", "RO", f"fam{i}")
    return {"tables": {"accounts": [], "signups": rows}, "ops": [set(op1), set(op2)], "campus": set(campus)}


def test_finds_spam_bursts_not_campus_or_family(make_workspace):
    w = spam_world()
    res = _run(make_workspace(**w["tables"]))
    got = sorted((set(f.account_ids) for f in res.findings), key=len, reverse=True)
    assert got == w["ops"]
    assert not set().union(*got) & w["campus"]
    f1 = next(f for f in res.findings if set(f.account_ids) == w["ops"][0])
    assert f1.evidence["attempts"] == 40 and f1.evidence["blocked_attempts"] == 32
    assert f1.evidence["devices"] == 3


def test_risky_share_threshold(make_workspace):
    ws = make_workspace(**spam_world()["tables"])
    # demanding throwaway mail on every attempt of a burst drops operation 1,
    # where a quarter of the attempts used gmail
    flagged = {a for f in _run(ws, min_throwaway_share=1.0).findings for a in f.account_ids}
    assert flagged == spam_world()["ops"][1]


def test_blocked_only_burst_names_no_account(make_workspace):
    rows = [{"attempt_id": f"x{i}", "created_at": T0 + dt.timedelta(seconds=30 * i), "device_id": "emu",
             "ip_prefix": "1.2.3", "country": "RO", "email_domain": "mailinator.com", "phone_country": "VN"}
            for i in range(10)]
    assert _run(make_workspace(accounts=[], signups=rows)).findings == ()
