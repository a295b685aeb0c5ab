"""Off-platform recruitment: accounts that act on instructions posted in an
off-platform channel (Telegram, WhatsApp...), repeatedly.

An instruction is an ``external_messages`` row that tells people to post
something: its hashtags, its links and any quoted text are the targets.  An
account follows an instruction when it posts a target within
``window_minutes`` after the message.  One coincidence is nothing; an
account that follows ``min_instructions`` different instructions is
recruited.  Later organic use of the same hashtag falls outside the window,
and a hashtag that was already in common use before the message (more than
``max_prior_uses`` posts in the preceding day) is not evidence of anything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from civicshield.detect.base import Detector, Finding, Param
from civicshield.text import content_text, fold, hashtags_in, normalize_url

NAME = "recruitment"

PARAMS = (
    Param("window_minutes", int, 60, "Minutes after an instruction within which a post counts as following it.",
          low=1, high=24 * 60),
    Param("min_instructions", int, 2, "Distinct instructions an account must follow to be flagged.", low=1, high=100),
    Param("max_prior_uses", int, 3, "A hashtag used more often than this in the day before the message is not "
          "a usable target.", low=0, high=1_000_000),
    Param("require_instruction", bool, True, "Only messages with an imperative ('postați', 'share', ...) count."),
)

# Imperatives that ask readers to post, in the languages we ship, folded and
# matched from the start of a word.
_INSTRUCTION = re.compile(
    r"(?<!\w)(?:posta|posteaz|postat|distribu|share|post|repost|folosi|puneti|pune|scrieti|scrie|copiati|copia|"
    r"comentati|comenteaz|dati|intrati|use|copy|paste|comment|tag|spread|poszt|oszd|osszatok|hasznald|"
    r"ird|irjatok|публик|поделит|распростран|пишите)"
)
_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]{12,280})[\"“”„«»]")


def _targets(text: str | None, hashtags, urls) -> dict[str, set[str]]:
    raw = text or ""
    return {
        "hashtag": {fold(h).lstrip("#") for h in (hashtags or [])} | set(hashtags_in(raw)),
        "url": {u for u in (normalize_url(x) for x in (urls or []) + re.findall(r"https?://\S+", raw)) if u},
        "text": {q for q in (content_text(m) for m in _QUOTED.findall(raw)) if len(q.split()) >= 3},
    }


def run(ctx, params):
    msgs = ctx.query(
        "SELECT source, channel, message_id, created_at, text, hashtags, urls FROM external_messages "
        "ORDER BY created_at, source, message_id"
    ).to_pylist()
    instructions = {}
    for m in msgs:
        folded = fold(m["text"])
        verb = _INSTRUCTION.search(folded)
        if params["require_instruction"] and not verb:
            continue
        targets = _targets(m["text"], m["hashtags"], m["urls"])
        if any(targets.values()):
            key = f"{m['source']}:{m['message_id']}"
            instructions[key] = {**m, "targets": targets, "verb": verb.group(0) if verb else ""}
    if not instructions:
        return
    # Hashtags already common before the message do not single anyone out;
    # uses that answered an earlier instruction with the same hashtag are the
    # operation's own and do not make it common.
    w = int(params["window_minutes"])
    prior = ctx.query(
        "WITH m AS (SELECT source, message_id, created_at, unnest(hashtags) AS tag FROM external_messages), "
        "p AS (SELECT created_at, unnest(hashtags) AS tag FROM posts) "
        "SELECT m.source, m.message_id, m.tag, count(*) AS n FROM m JOIN p ON p.tag = m.tag "
        "AND p.created_at < m.created_at AND p.created_at >= m.created_at - INTERVAL 1 DAY "
        "WHERE NOT EXISTS (SELECT 1 FROM m AS e WHERE e.tag = p.tag AND e.created_at < m.created_at "
        f"AND p.created_at >= e.created_at AND p.created_at <= e.created_at + INTERVAL {w} MINUTE) "
        "GROUP BY m.source, m.message_id, m.tag"
    ).to_pylist()
    for r in prior:
        ins = instructions.get(f"{r['source']}:{r['message_id']}")
        if ins and r["n"] > params["max_prior_uses"]:
            ins["targets"]["hashtag"].discard(fold(r["tag"]))
            ins.setdefault("common_hashtags", []).append(r["tag"])
    # Posts inside any instruction's window, paired with it; the matching
    # itself needs URL and text normalisation, so it runs here on the pairs.
    pairs = ctx.query(
        "SELECT m.source, m.message_id, p.post_id, p.account_id, p.created_at, p.text, p.hashtags, p.urls "
        "FROM external_messages m JOIN posts p ON p.created_at >= m.created_at "
        f"AND p.created_at <= m.created_at + INTERVAL {w} MINUTE "
        "ORDER BY p.post_id"
    )
    followed: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    cache: dict[str, dict] = {}
    for r in pairs.to_pylist():
        key = f"{r['source']}:{r['message_id']}"
        ins = instructions.get(key)
        if ins is None:
            continue
        got = cache.get(r["post_id"])
        if got is None:
            got = cache[r["post_id"]] = {**_targets(r["text"], r["hashtags"], r["urls"]), "content": content_text(r["text"])}
        t = ins["targets"]
        hits = sorted(t["hashtag"] & got["hashtag"]) + sorted(t["url"] & got["url"])
        hits += [q for q in sorted(t["text"]) if q in got["content"]]
        if hits:
            delay = (r["created_at"] - ins["created_at"]) / dt.timedelta(minutes=1)
            followed[r["account_id"]][key].append((r["post_id"], r["created_at"], round(delay, 1), hits))
    for account, by_msg in sorted(followed.items()):
        if len(by_msg) < params["min_instructions"]:
            continue
        times = [p[1] for posts in by_msg.values() for p in posts]
        channels = sorted({f"{instructions[k]['source']}:{instructions[k]['channel']}" for k in by_msg})
        yield Finding(
            kind="offplatform_recruitment",
            detector=NAME,
            score=round(min(1.0, 0.5 + 0.1 * len(by_msg)), 3),
            account_ids=(account,),
            network_id=channels[0] if len(channels) == 1 else None,
            first_seen=min(times),
            last_seen=max(times),
            evidence={
                "channels": channels,
                "instructions_followed": len(by_msg),
                "window_minutes": params["window_minutes"],
                "followed": [
                    {
                        "message": k,
                        "instruction": (instructions[k]["text"] or "")[:160],
                        "posts": [{"post_id": pid, "minutes_after": d, "matched": h} for pid, _, d, h in posts],
                    }
                    for k, posts in sorted(by_msg.items())
                ],
            },
        )


DETECTOR = Detector(
    name=NAME,
    summary="Accounts that repeatedly post a hashtag, link or text within minutes of an off-platform instruction.",
    kinds=("offplatform_recruitment",),
    requires=("posts", "external_messages"),
    params=PARAMS,
    run=run,
    limits="Needs the external_messages the platform or researchers collected; instructions without hashtag, "
    "link or quoted text, or in a language the imperative list lacks, are missed (require_instruction=false widens).",
)
