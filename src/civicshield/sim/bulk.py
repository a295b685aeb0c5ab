"""Bulk organic activity, drawn vectorised and handed out in Arrow chunks.

Activity per account is heavy-tailed (Pareto weights), popularity of posts
and sounds Zipf-like, reactions follow a post with a log-normal delay, and
every time of day follows the daily rhythm.  Nothing here is planted: the
operations and look-alikes live in ``ops_*`` and ``lookalikes``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from civicshield.sim import vocab
from civicshield.sim.mutate import strip_diacritics
from civicshield.sim.organic import Population
from civicshield.sim.scenario import Scenario
from civicshield.sim.world import DAY, HOURLY, World

US = 1_000_000
COMMENTS = {
    "ro": ("Superb! 😍", "😂😂😂", "Bravo!", "Ai dreptate", "Nu sunt de acord", "Unde e asta?", "Rețeta, te rog 🙏",
           "Ce frumos", "Hahaha exact așa", "Felicitări!", "Mă bucur pentru tine", "Top 🔥"),
    "hu": ("Nagyon szép! 😍", "Hahaha 😂", "Gratulálok!", "Igazad van", "Hol van ez?"),
    "en": ("Love this ❤️", "So true 😂", "Where is this?", "Amazing", "Congrats!"),
}


def rhythm_times(rng: np.random.Generator, lo: np.ndarray, hi: int, shift: np.ndarray | int = 0) -> np.ndarray:
    """One time per element in [lo_i, hi): uniform day, hour from the daily
    rhythm, moved by ``shift`` seconds for people in other time zones."""
    lo = np.minimum(np.asarray(lo, dtype=np.int64), hi - 1)
    span_days = (hi - lo) // DAY + 1
    day = lo // DAY + (rng.random(len(lo)) * span_days).astype(np.int64)
    t = day * DAY + rng.choice(24, size=len(lo), p=HOURLY) * 3600 + rng.integers(0, 3600, size=len(lo)) + shift
    # Outside [lo, hi) (an account created late in the day, the last partial day):
    # draw again uniformly in the range.  Clamping to ``lo`` would pile every
    # action of a new account onto one second, which no person can do.
    out = (t < lo) | (t >= hi)
    t[out] = lo[out] + (rng.random(int(out.sum())) * (hi - lo[out])).astype(np.int64)
    return t


def _ts(secs: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(secs, dtype=np.int64) * US, type=pa.timestamp("us"))


def _pick(rng: np.random.Generator, cum: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), len(cum) - 1)


@dataclass
class Targets:
    """Every post reactions can land on, in time order, with its organic popularity."""

    ids: pa.Array
    time: np.ndarray  # ascending
    cum: np.ndarray  # cumulative popularity, with a leading 0 (len = posts + 1)

    def pick(self, r: np.random.Generator, n: int) -> np.ndarray:
        """Posts drawn by popularity alone."""
        return np.clip(np.searchsorted(self.cum, r.random(n) * self.cum[-1], side="right") - 1, 0, len(self.time) - 1)

    def pick_at(self, r: np.random.Generator, t: np.ndarray, delay: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For an action at ``t``: a post from about ``t - delay`` (30 min either
        side) drawn by popularity, never one posted after ``t``; ``valid`` is
        False where nothing was posted in that window."""
        tau = t - delay
        before = np.searchsorted(self.time, t)
        lo = np.searchsorted(self.time, tau - 1800)
        hi = np.minimum(np.searchsorted(self.time, tau + 1800), before)
        base = self.cum[lo]
        span = self.cum[hi] - base
        idx = np.searchsorted(self.cum, base + r.random(len(t)) * span, side="right") - 1
        valid = (hi > lo) & (span > 0)
        return np.minimum(np.clip(idx, lo, np.maximum(hi - 1, lo)), len(self.time) - 1), valid


def election_share(w: World, t: np.ndarray) -> np.ndarray:
    """Election talk grows towards each round."""
    return 0.07 + 0.28 * np.exp(-np.abs(t - w.round1) / (9 * DAY)) + 0.18 * np.exp(-np.abs(t - w.round2) / (6 * DAY))


def bulk_posts(w: World, pop: Population, sc: Scenario, n: int) -> tuple[pa.Table, np.ndarray]:
    r = w.rng
    cum = np.cumsum(pop.weight)
    author = _pick(r, cum, n)
    t = rhythm_times(r, np.maximum(pop.created[author] + 3600, w.start), w.end, pop.shift[author])
    election = r.random(n) < election_share(w, t)
    lang = pop.lang[author].copy()
    lang[(r.random(n) < 0.05)] = "en"
    ids = w.ids(n)
    n_audio = max(200, len(pop) // 8)
    audio_pool = w.ids(n_audio)
    w.sounds = audio_pool
    audio_rank = np.minimum(r.zipf(1.35, size=n) - 1, n_audio - 1)
    has_audio = r.random(n) < 0.55
    cand_p = np.resize(np.array([0.2, 0.18, 0.18, 0.16, 0.12, 0.06, 0.1]), len(sc.candidates))
    cand_p /= cand_p.sum()
    handles = [w.acc[a]["handle"] for a in pop.ids]
    # Texts come from rendered pools (per language and topic) so that millions
    # of posts cost one vectorised draw each; the pools are as varied as the
    # templates and slots allow anyway.
    texts = np.empty(n, dtype=object)
    tags: list[list[str]] = [[] for _ in range(n)]
    for lg in ("ro", "hu", "en"):
        for topic in (False, True):
            sel = np.nonzero((lang == lg) & (election == topic))[0]
            if not len(sel):
                continue
            pool, pool_tags = _render(w, sc, lg, topic, cand_p, min(len(sel), 4000))
            pick = r.integers(0, len(pool), size=len(sel))
            texts[sel] = np.asarray(pool, dtype=object)[pick]
            for i, k in zip(sel.tolist(), pick.tolist(), strict=True):
                tags[i] = list(pool_tags[k])
    tag_rank = np.minimum(r.zipf(1.5, size=(n, 3)) - 1, len(vocab.ORDINARY_TAGS) - 1)
    n_tags = r.integers(0, 4, size=n)
    for i in np.nonzero(n_tags)[0].tolist():
        tags[i] = list(dict.fromkeys(tags[i] + [vocab.ORDINARY_TAGS[k] for k in tag_rank[i, : n_tags[i]]]))
    urls: list[list[str]] = [[] for _ in range(n)]
    for i in np.nonzero(r.random(n) < 0.06)[0].tolist():
        site = vocab.NEWS_SITES[int(r.integers(len(vocab.NEWS_SITES)))]
        urls[i] = [f"https://www.{site}/articol/{int(r.integers(10**6, 10**7))}"]
    mentions: list[list[str]] = [[] for _ in range(n)]
    for i in np.nonzero(r.random(n) < 0.04)[0].tolist():
        mentions[i] = [handles[int(r.integers(len(handles)))]]
    for i in np.nonzero(election)[0].tolist():
        w.label("post", ids[i], "election_content", "organic")
    texts = texts.tolist()
    views = (r.lognormal(5.0, 1.2, size=n) * (1 + np.log1p(pop.followers[author]))).astype(np.int64)
    likes = (views * r.uniform(0.02, 0.12, size=n)).astype(np.int64)
    audio = [audio_pool[int(k)] if h else None for k, h in zip(audio_rank, has_audio, strict=True)]
    table = pa.table({
        "post_id": pa.array(ids), "account_id": pa.array([pop.ids[a] for a in author]), "created_at": _ts(t),
        "text": pa.array(texts), "hashtags": pa.array(tags, type=pa.list_(pa.string())),
        "urls": pa.array(urls, type=pa.list_(pa.string())), "mentions": pa.array(mentions, type=pa.list_(pa.string())),
        "audio_id": pa.array(audio, type=pa.string()), "language": pa.array(lang.tolist()),
        "country": pa.array(pop.country[author].tolist()), "view_count": pa.array(views),
        "like_count": pa.array(likes), "share_count": pa.array((likes * r.uniform(0, 0.1, size=n)).astype(np.int64)),
        "comment_count": pa.array((likes * r.uniform(0, 0.08, size=n)).astype(np.int64)),
        "is_ad": pa.array(np.zeros(n, bool)), "branded_content": pa.array(np.zeros(n, bool)),
        "ai_label": pa.array(np.zeros(n, bool)), "media_path": pa.nulls(n, pa.string()),
        "status": pa.array(np.where(r.random(n) < 0.004, "removed", "active").tolist()),
    })
    popularity = r.lognormal(0, 1.4, size=n) * np.sqrt(1 + pop.followers[author] / 500)
    return table, popularity


def make_targets(w: World, posts: pa.Table, popularity: np.ndarray) -> Targets:
    """Bulk posts plus every planted post, each with its organic popularity."""
    special = w.rows["posts"]
    s_ids = [p["post_id"] for p in special]
    s_time = np.array([p["created_at"] for p in special], dtype=np.int64)
    s_w = np.array([w.post_weight.get(p, 0.0) for p in s_ids])
    b_time = posts.column("created_at").cast(pa.int64()).to_numpy() // US
    ids = pa.concat_arrays([posts.column("post_id").combine_chunks(), pa.array(s_ids, type=pa.string())])
    time = np.concatenate([b_time, s_time])
    order = np.argsort(time, kind="stable")
    weight = np.concatenate([popularity, s_w])[order]
    return Targets(ids.take(pa.array(order)), time[order], np.concatenate([[0.0], np.cumsum(weight)]))


def sessions(w: World, pop: Population, k: int, mean_len: float, gap: float) -> tuple[np.ndarray, np.ndarray]:
    """About ``k`` actions grouped in app sessions: heavy users open the app more
    often, a session holds a geometric number of actions some tens of seconds
    apart.  Returns (actor index, time) per action."""
    r = w.rng
    n_sess = int(k / mean_len) + 1
    actor = _pick(r, np.cumsum(pop.weight), n_sess)
    start = rhythm_times(r, np.maximum(pop.created[actor] + 600, w.start), w.end, pop.shift[actor])
    sess = np.repeat(np.arange(n_sess), r.geometric(1 / mean_len, size=n_sess))[:k]
    csum = np.cumsum(r.exponential(gap, size=len(sess)))
    first = np.searchsorted(sess, sess, side="left")
    return actor[sess], start[sess] + (csum - csum[first]).astype(np.int64)


def _render(w: World, sc: Scenario, lg: str, election: bool, cand_p: np.ndarray, k: int) -> tuple[list[str], list[tuple]]:
    """``k`` texts (and the hashtags that go with them) for one language and topic."""
    r = w.rng
    texts, tags = [], []
    for _ in range(k):
        e = vocab.EMOJI[int(r.integers(len(vocab.EMOJI)))] if r.random() < 0.7 else ""
        if election:
            c = sc.candidates[int(r.choice(len(sc.candidates), p=cand_p))]
            tpl = vocab.ELECTION[lg][int(r.integers(len(vocab.ELECTION[lg])))]
            texts.append(tpl.format(c=c.forms()[int(r.integers(5))], e=e,
                                    t=vocab.TOPICS_RO[int(r.integers(len(vocab.TOPICS_RO)))]))
            etags = vocab.ELECTION_TAGS_HU if lg == "hu" else vocab.ELECTION_TAGS
            ht = (etags[int(r.integers(len(etags)))],)
            tags.append(ht + (c.tag,) if "{c}" in tpl and r.random() < 0.4 else ht)
        else:
            tpl = vocab.ORDINARY[lg][int(r.integers(len(vocab.ORDINARY[lg])))]
            city = vocab.HU_CITIES if lg == "hu" else vocab.RO_CITIES
            food = vocab.FOODS_HU if lg == "hu" else vocab.FOODS_RO
            texts.append(tpl.format(city=city[int(r.integers(len(city)))], food=food[int(r.integers(len(food)))],
                                    team=vocab.TEAMS[int(r.integers(len(vocab.TEAMS)))],
                                    place=vocab.PLACES_RO[int(r.integers(len(vocab.PLACES_RO)))],
                                    artist=vocab.ARTISTS[int(r.integers(len(vocab.ARTISTS)))], e=e))
            tags.append(())
        if lg == "ro" and r.random() < 0.4:  # many Romanians type without diacritics
            texts[-1] = strip_diacritics(texts[-1])
    return texts, tags


def _delay(r: np.random.Generator, n: int) -> np.ndarray:
    return r.lognormal(8.6, 1.6, size=n).astype(np.int64)  # median ~1.5 h, long tail into days


def bulk_comments(w: World, pop: Population, tg: Targets, n: int) -> pa.Table:
    r = w.rng
    actor = _pick(r, np.cumsum(pop.weight), n)
    post = tg.pick(r, n)
    t = tg.time[post] + _delay(r, n)
    keep = (t < w.end) & (t >= w.start) & (t >= pop.created[actor] + 600)
    actor, post, t = actor[keep], post[keep], t[keep]
    m = len(t)
    text = [COMMENTS[str(lg)][int(k)] for lg, k in zip(pop.lang[actor], r.integers(0, 5, size=m), strict=True)]
    return pa.table({"comment_id": pa.array(w.ids(m)), "post_id": tg.ids.take(pa.array(post)),
                     "account_id": pa.array([pop.ids[a] for a in actor]), "created_at": _ts(t), "text": pa.array(text)})


def bulk_engagements(w: World, pop: Population, tg: Targets, n: int, chunk: int) -> Iterator[pa.Table]:
    """``n`` likes / follows / shares / favourites in chunks of ``chunk`` rows."""
    r = w.rng
    ids = pa.array(pop.ids)
    dev, ip, mip, cc = pa.array(pop.device), pa.array(pop.ip), pa.array(pop.mobile_ip), pa.array(pop.country.tolist())
    follow_cum = np.cumsum(np.sqrt(pop.followers + 1.0))
    done = 0
    while done < n:
        k = min(chunk, n - done)
        done += k
        actor, t = sessions(w, pop, k, mean_len=5.0, gap=45.0)
        k = len(t)
        action = r.choice(4, size=k, p=[0.78, 0.09, 0.07, 0.06])  # like follow share favorite
        post, found = tg.pick_at(r, t, _delay(r, k))
        follow = action == 1
        fol_target = _pick(r, follow_cum, k)
        key = np.where(follow, fol_target, post).astype(np.int64)
        keep = (t < w.end) & (follow | found) & ~(follow & ((fol_target == actor) | (pop.created[fol_target] > t)))
        # a person likes (or follows) a thing once
        combo = (actor.astype(np.int64) * 4 + action) * (len(tg.time) + len(pop.ids) + 1) + key
        _, first = np.unique(combo, return_index=True)
        once = np.zeros(k, bool)
        once[first] = True
        sel = np.nonzero(keep & once)[0]
        order = sel[np.argsort(t[sel], kind="stable")]
        a, act = actor[order], action[order]
        tgt = pa.chunked_array([tg.ids.take(pa.array(post[order]))]).to_pylist()
        fol = ids.take(pa.array(fol_target[order])).to_pylist()
        target = [fol[i] if act[i] == 1 else tgt[i] for i in range(len(order))]
        on_mobile = r.random(len(order)) < 0.35
        ipa = np.where(on_mobile, np.asarray(mip.take(pa.array(a)).to_pylist(), dtype=object),
                       np.asarray(ip.take(pa.array(a)).to_pylist(), dtype=object))
        yield pa.table({
            "actor_id": ids.take(pa.array(a)), "action": pa.array(np.array(["like", "follow", "share", "favorite"])[act]),
            "target_id": pa.array(target, type=pa.string()), "created_at": _ts(t[order]),
            "device_id": dev.take(pa.array(a)), "ip_prefix": pa.array(ipa.tolist(), type=pa.string()),
            "country": cc.take(pa.array(a)),
        })


def bulk_logins(w: World, pop: Population, n: int) -> pa.Table:
    r = w.rng
    actor = _pick(r, np.cumsum(np.sqrt(pop.weight)), n)
    t = rhythm_times(r, np.maximum(pop.created[actor], w.login_start), w.end, pop.shift[actor])
    new_dev = r.random(n) < 0.08
    devs = np.asarray(pop.device, dtype=object)[actor]
    devs[new_dev] = [f"{int(x):016x}" for x in r.integers(0, 2**62, size=int(new_dev.sum()))]
    mobile = r.random(n) < 0.4
    ips = np.where(mobile, np.asarray(pop.mobile_ip, dtype=object)[actor], np.asarray(pop.ip, dtype=object)[actor])
    asn = np.asarray(pop.asn, dtype=object)[actor]
    order = np.argsort(t, kind="stable")
    return pa.table({"account_id": pa.array([pop.ids[a] for a in actor[order]]), "created_at": _ts(t[order]),
                     "device_id": pa.array(devs[order].tolist()), "ip_prefix": pa.array(ips[order].tolist()),
                     "country": pa.array(pop.country[actor[order]].tolist()), "asn": pa.array(asn[order].tolist())})


def bulk_impressions(w: World, pop: Population, tg: Targets, n: int, chunk: int) -> Iterator[pa.Table]:
    r = w.rng
    ids, cc = pa.array(pop.ids), pa.array(pop.country.tolist())
    surfaces = np.array(["for_you", "following", "search", "profile"])
    done = 0
    while done < n:
        k = min(chunk, n - done)
        done += k
        viewer, t = sessions(w, pop, k, mean_len=10.0, gap=20.0)
        post, found = tg.pick_at(r, t, _delay(r, len(t)) // 2)
        sel = np.nonzero((t < w.end) & found)[0]
        sel = sel[np.argsort(t[sel], kind="stable")]
        yield pa.table({"viewer_id": ids.take(pa.array(viewer[sel])), "post_id": tg.ids.take(pa.array(post[sel])),
                        "created_at": _ts(t[sel]),
                        "surface": pa.array(surfaces[r.choice(4, size=len(sel), p=[0.72, 0.14, 0.08, 0.06])]),
                        "viewer_country": cc.take(pa.array(viewer[sel]))})
