"""The simulated platform's state while a scenario is being planted.

Rows are plain dicts with timestamps as Unix seconds; ``writer`` turns them
into contract tables.  IDs are random 19-digit numbers drawn from one pool,
so neither their value nor their order says who made an entity.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import numpy as np

from civicshield.sim import vocab
from civicshield.text import fold

DAY = 86400
# Share of activity per UTC hour: Romanian evenings (UTC+2) peak, nights are quiet.
HOURLY = np.array([3, 2, 1.2, 1, 1, 1.5, 3, 5, 6, 6, 6, 6.5, 7, 7, 7, 7.5, 8, 9, 10, 10.5, 9.5, 7.5, 5.5, 4], float)
HOURLY /= HOURLY.sum()
_HANDLE_BAD = re.compile(r"[^a-z0-9._]")


def epoch(d: dt.date | dt.datetime) -> int:
    if isinstance(d, dt.datetime):
        return int(d.replace(tzinfo=dt.UTC).timestamp())
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp())


def ascii_handle(s: str) -> str:
    return _HANDLE_BAD.sub("", fold(s).replace(" ", "."))


class World:
    """Accounts and the rows planted so far, plus ground truth."""

    def __init__(self, rng: np.random.Generator, watch_from: dt.date, rounds: tuple[dt.date, ...], country: str):
        self.rng = rng
        self.country = country
        self.start = epoch(watch_from)
        self.round1 = epoch(min(rounds))
        self.round2 = epoch(max(rounds))
        self.end = self.round2 + 7 * DAY
        self.login_start = self.start - 90 * DAY  # logins carry a quarter of history before the watch
        self._used_ids: set[int] = set()
        self._handles: set[str] = set()
        self.accounts: list[dict] = []
        self.acc: dict[str, dict] = {}
        self.rows: dict[str, list[dict]] = {t: [] for t in (
            "posts", "comments", "engagements", "logins", "signups", "impressions",
            "external_messages", "reports", "payments")}
        self.labels: list[dict] = []
        self.lookalikes: list[dict] = []
        self.claims: list[dict] = []
        self.ops_by_kind: Counter[str] = Counter()
        self._op_counter = 0
        # election_content labels carry the operation that posted (or "organic")
        self.current_op: str | None = None
        self.post_weight: dict[str, float] = {}  # organic popularity of special posts
        self.no_bulk: set[str] = set()  # accounts whose activity is only what was planted
        self.claimed: set[str] = set()
        self.sounds: list[str] = []  # organic sounds, most popular first (set once bulk posts exist)  # organic accounts already given a role (recruit, fan, paid creator)

    # ----- identifiers ---------------------------------------------------
    def ids(self, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            for v in self.rng.integers(10**18, 9 * 10**18, size=n - len(out) + 4).tolist():
                if v not in self._used_ids and len(out) < n:
                    self._used_ids.add(v)
                    out.append(str(v))
        return out

    def id(self) -> str:
        return self.ids(1)[0]

    def device(self) -> str:
        return f"{int(self.rng.integers(0, 2**62)):016x}"

    def ip_prefix(self, country: str | None = None, datacenter: bool = False) -> tuple[str, str, str]:
        """(ip_prefix /24, asn, country) from a residential ISP or a hosting provider."""
        pool = vocab.DATACENTERS if datacenter else vocab.ISPS
        cands = list(pool)
        if country and not datacenter:
            cands = [p for p in pool if p[2] == country] or list(pool[:8])
        (a, b), asn, cc = cands[int(self.rng.integers(len(cands)))]
        return f"{a}.{b + int(self.rng.integers(0, 4))}.{int(self.rng.integers(0, 256))}.0/24", asn, cc

    # ----- time ------------------------------------------------------------
    def at(self, lo: float, hi: float) -> int:
        """A time in [lo, hi) with the daily rhythm (hour of day drawn from HOURLY)."""
        lo, hi = int(lo), int(max(hi, lo + 1))
        for _ in range(8):
            day = lo // DAY + int(self.rng.integers(0, max(1, (hi - lo) // DAY + 1)))
            t = day * DAY + int(self.rng.choice(24, p=HOURLY)) * 3600 + int(self.rng.integers(0, 3600))
            if lo <= t < hi:
                return t
        return int(self.rng.integers(lo, hi))

    # ----- operations and truth --------------------------------------------
    def new_op(self, kind: str) -> str:
        self._op_counter += 1
        self.ops_by_kind[kind] += 1
        self.current_op = f"op-{self._op_counter}"
        return self.current_op

    def label(self, entity: str, id_: str, kind: str, op: str) -> None:
        self.labels.append({"entity": entity, "id": id_, "kind": kind, "operation": op})

    def lookalike(self, entity: str, id_: str, family: str, mimics: tuple[str, ...]) -> None:
        self.lookalikes.append({"entity": entity, "id": id_, "family": family, "mimics": list(mimics)})

    def pick(self, candidates: list[str], n: int) -> list[str]:
        """Up to ``n`` of ``candidates`` that have no role yet, claimed for the caller."""
        free = [c for c in candidates if c not in self.claimed]
        idx = self.rng.permutation(len(free))[:n]
        out = [free[int(i)] for i in idx]
        self.claimed.update(out)
        return out

    # ----- people ---------------------------------------------------------
    def person(self, hungarian: bool | None = None) -> tuple[str, str, bool]:
        r = self.rng
        if hungarian is None:
            hungarian = r.random() < 0.07
        if hungarian:
            return str(r.choice(vocab.HU_FIRST)), str(r.choice(vocab.HU_SURNAMES)), True
        first = str(r.choice(vocab.RO_MALE if r.random() < 0.5 else vocab.RO_FEMALE))
        return first, str(r.choice(vocab.RO_SURNAMES)), False

    def unique_handle(self, base: str) -> str:
        h = ascii_handle(base)[:24].strip("._") or "user"
        while h in self._handles:
            h = f"{h[:20]}{int(self.rng.integers(1, 9999))}"
        self._handles.add(h)
        return h

    def handle_for(self, first: str, last: str) -> str:
        r = self.rng
        f, la = ascii_handle(first), ascii_handle(last)
        yy = int(r.integers(70, 106)) % 100
        style = int(r.integers(0, 9))
        base = (f"{f}.{la}", f"{f}{la}{yy:02d}", f"{f}_{la}", f"{f}.{la}{int(r.integers(1, 99))}",
                f"{la}.{f}", f"{f}{la[:1]}_{int(r.integers(100, 999))}", f"its.{f}", f"{f}_{la}_{yy:02d}",
                f"{f}{la}")[style]
        return self.unique_handle(base)

    def bio(self, city: str | None = None) -> str:
        r = self.rng
        opts = ("", "", "", f"📍 {city or r.choice(vocab.RO_CITIES)}", "Mamă, soție, iubitoare de cafea ☕",
                "Student @ UBB", "Fotbal, muzică și prieteni", "Make-up artist ✨", "Trăiește clipa ✨",
                "🇷🇴", "Kolozsvár 📍", "Pescar amator 🎣", "Doar pentru prieteni", "Asistentă medicală 💉",
                "Șofer de TIR 🚛 Italia-România", "Gaming & chill 🎮")
        return str(opts[int(r.integers(len(opts)))])

    def add_account(self, *, created: int, first: str | None = None, last: str | None = None,
                    hungarian: bool | None = None, handle: str | None = None, display: str | None = None,
                    bio: str | None = None, kind: str = "personal", country: str | None = None,
                    language: str | None = None, verified: bool = False, followers: int | None = None,
                    following: int | None = None, avatar: str | None = "random", status: str = "active",
                    banned_at: int | None = None, ban_reason: str | None = None, bulk: bool = False) -> str:
        r = self.rng
        if first is None or last is None:
            first, last, hungarian = self.person(hungarian)
        hungarian = bool(hungarian)
        if handle is None:
            handle = self.handle_for(first, last)
        else:
            self._handles.add(handle)
        if display is None:
            display = (f"{first} {last}", f"{first} {last}", f"{first} {last[:1]}.", f"{first} ✨",
                       f"{last} {first}")[int(r.integers(5))]
        if followers is None:
            mu = {"creator": 9.5, "business": 7.0}.get(kind, 4.6)
            followers = int(r.lognormal(mu, 1.4))
        if following is None:
            following = int(r.lognormal(5.0, 1.0))
        if avatar == "random":
            avatar = None if r.random() < 0.12 else f"{int(r.integers(0, 2**62)):016x}" + "".join(
                f"{int(x):016x}" for x in r.integers(0, 2**62, size=3))
        aid = self.id()
        row = {
            "account_id": aid, "handle": handle, "display_name": display,
            "bio": self.bio() if bio is None else bio, "created_at": int(created),
            "registration_country": country or self.country,
            "language": language or ("hu" if hungarian else "ro"), "verified": verified, "account_type": kind,
            "follower_count": followers, "following_count": following, "avatar_hash": avatar, "status": status,
            "banned_at": banned_at, "ban_reason": ban_reason,
        }
        self.accounts.append(row)
        self.acc[aid] = row
        if not bulk:
            self.no_bulk.add(aid)
        return aid

    # ----- activity ----------------------------------------------------------
    def post(self, acc: str, t: int, text: str, *, hashtags=(), urls=(), mentions=(), audio: str | None = "auto",
             language: str = "ro", country: str | None = None, is_ad: bool = False, branded: bool = False,
             ai_label: bool = False, media: str | None = None, status: str = "active", election: bool = False,
             views: int | None = None, weight: float = 1.0) -> str:
        """A planted post.  ``audio="auto"`` picks an organic sound half the time, as
        people do; ``weight`` is how much organic attention (likes, views) it draws."""
        r = self.rng
        pid = self.id()
        if audio == "auto":
            audio = None
            if self.sounds and r.random() < 0.5:
                audio = self.sounds[min(int(r.zipf(1.35)) - 1, len(self.sounds) - 1)]
        views = int(r.lognormal(6.4, 1.3)) if views is None else views
        self.rows["posts"].append({
            "post_id": pid, "account_id": acc, "created_at": int(t), "text": text,
            "hashtags": list(dict.fromkeys(h.lower().lstrip("#") for h in hashtags)), "urls": list(urls),
            "mentions": list(mentions), "audio_id": audio, "language": language,
            "country": country or self.acc[acc]["registration_country"], "view_count": views,
            "like_count": int(views * r.uniform(0.02, 0.12)), "share_count": int(views * r.uniform(0, 0.01)),
            "comment_count": int(views * r.uniform(0, 0.01)), "is_ad": is_ad, "branded_content": branded,
            "ai_label": ai_label, "media_path": media, "status": status,
        })
        if election:
            self.label("post", pid, "election_content", self.current_op or "organic")
        if weight > 0 and status == "active" and t >= self.start:
            self.post_weight[pid] = weight
        return pid

    def engage(self, actor: str, action: str, target: str, t: int, device: str | None = None,
               ip: str | None = None, country: str | None = None) -> str:
        self.rows["engagements"].append({"actor_id": actor, "action": action, "target_id": target,
                                         "created_at": int(t), "device_id": device, "ip_prefix": ip,
                                         "country": country})
        return f"{actor}|{action}|{target}"

    def login(self, acc: str, t: int, device: str, ip: str, country: str, asn: str) -> None:
        self.rows["logins"].append({"account_id": acc, "created_at": int(t), "device_id": device,
                                    "ip_prefix": ip, "country": country, "asn": asn})

    def comment(self, acc: str, post: str, t: int, text: str) -> str:
        cid = self.id()
        self.rows["comments"].append({"comment_id": cid, "post_id": post, "account_id": acc,
                                      "created_at": int(t), "text": text})
        return cid

    def signup(self, t: int, device: str, ip: str, country: str, email: str, phone: str, agent: str,
               account: str | None) -> str:
        aid = self.id()
        self.rows["signups"].append({"attempt_id": aid, "created_at": int(t), "device_id": device, "ip_prefix": ip,
                                     "country": country, "email_domain": email, "phone_country": phone,
                                     "user_agent": agent, "account_id": account})
        return aid

    def logins_for(self, acc: str, lo: int, hi: int, n: int, device: str, ip: str, country: str, asn: str) -> None:
        for _ in range(n):
            self.login(acc, self.at(lo, hi), device, ip, country, asn)
