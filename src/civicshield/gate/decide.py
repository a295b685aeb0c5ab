"""Pure decision logic: facts from the state + rules -> allow / challenge / block.

No I/O here, so a decision costs a few microseconds and can be tested with
facts written by hand.  Each rule adds a machine-readable ``Reason``; the
decision is the most severe one.  The signals are the ones that hold up on
real platforms:

* one device making many accounts, or acting for many accounts (phone farms);
* throwaway mail domains and phone numbers from another country, counted per
  IP prefix (a campus or carrier NAT sends many sign-ups from one prefix, but
  with ordinary mail and local phones, so only *flagged* sign-ups count);
* one account acting faster than a person can;
* several accounts hitting one target from one device, or from one prefix
  that carries most of the target's recent engagement (a viral post gets
  likes from everywhere, so a campus prefix is a small share of it);
* accounts, devices and prefixes confirmed by batch detection (feedback).
"""

from __future__ import annotations

from disposable_email_domains import blocklist

from civicshield.gate.model import SEVERITY, Decision, EngagementFacts, Reason, Signup, SignupFacts
from civicshield.gate.rules import Rules

# Every reason code the gate can answer with, and what it means (docs/gate.md lists them all).
REASON_CODES = {
    "confirmed_account": "the account belongs to a network or farm confirmed by a case",
    "confirmed_device": "the device was used only by confirmed accounts",
    "confirmed_prefix": "the IP prefix was used (almost) only by confirmed accounts",
    "device_reputation": "the device earned strikes by being blocked on device signals",
    "device_signup_velocity": "too many sign-ups from one device in the window",
    "prefix_flagged_velocity": "too many flagged sign-ups from one IP prefix in the window",
    "disposable_email": "throwaway mail domain (with another flag: challenge)",
    "phone_country_mismatch": "phone country differs from the IP country (with another flag: challenge)",
    "actor_velocity_burst": "the account acts faster than a person in the short window",
    "actor_velocity_long": "the account acts more than a person could in the long window",
    "device_many_accounts": "too many accounts act from one device",
    "target_device_accounts": "several accounts hit one target from one device",
    "target_prefix_share": "many accounts hit one target from one IP prefix carrying most of its engagement",
    "state_unavailable": "the state store is unreachable: the endpoint's failure policy answered",
}
_DISPOSABLE = frozenset(blocklist)
_DEVICE_CODES = frozenset({"device_signup_velocity", "device_many_accounts", "target_device_accounts"})


def is_disposable(domain: str) -> bool:
    """A throwaway mail domain, or a subdomain of one."""
    d = domain.strip().lower().rstrip(".")
    while d:
        if d in _DISPOSABLE:
            return True
        _, _, d = d.partition(".")
        if "." not in d:
            return False
    return False


def signup_flags(s: Signup) -> tuple[str, ...]:
    """Per-attempt risk flags that need no state."""
    flags = []
    if s.email_domain and is_disposable(s.email_domain):
        flags.append("disposable_email")
    if s.phone_country and s.country and s.phone_country.upper() != s.country.upper():
        flags.append("phone_country_mismatch")
    return tuple(flags)


def _decide(reasons: list[tuple[str, Reason]]) -> Decision:
    if not reasons:
        return Decision("allow")
    decision = max((d for d, _ in reasons), key=SEVERITY.__getitem__)
    strike = decision == "block" and any(r.code in _DEVICE_CODES for d, r in reasons if d == "block")
    return Decision(decision, tuple(r for _, r in reasons), strike)


def decide_signup(f: SignupFacts, rules: Rules) -> Decision:
    v = rules.values
    out: list[tuple[str, Reason]] = []
    if f.device_confirmed:
        out.append(("block", Reason("confirmed_device")))
    if f.device_strikes >= v["signup.device_strikes_block"]:
        out.append(("block", Reason("device_reputation", f.device_strikes, v["signup.device_strikes_block"])))
    if f.device_signups > v["signup.device_max"]:
        out.append(("block", Reason("device_signup_velocity", f.device_signups, v["signup.device_max"])))
    if f.flags and f.prefix_flagged > v["signup.prefix_flagged_max"]:
        out.append(("block", Reason("prefix_flagged_velocity", f.prefix_flagged, v["signup.prefix_flagged_max"])))
    if f.prefix_confirmed:
        # Prefixes are shared (NATs): a confirmed one earns a challenge, never a block on its own.
        out.append(("challenge", Reason("confirmed_prefix")))
    if len(f.flags) >= v["signup.challenge_flags"]:
        out.extend(("challenge", Reason(flag)) for flag in f.flags)
    return _decide(out)


def decide_engagement(f: EngagementFacts, rules: Rules) -> Decision:
    v = rules.values
    out: list[tuple[str, Reason]] = []
    if f.actor_confirmed:
        out.append(("block", Reason("confirmed_account")))
    if f.device_confirmed:
        out.append(("block", Reason("confirmed_device")))
    if f.device_strikes >= v["engagement.device_strikes_block"]:
        out.append(("block", Reason("device_reputation", f.device_strikes, v["engagement.device_strikes_block"])))
    if f.actor_long > v["engagement.actor_long_max"]:
        out.append(("block", Reason("actor_velocity_long", f.actor_long, v["engagement.actor_long_max"])))
    if f.actor_burst > v["engagement.actor_burst_max"]:
        out.append(("challenge", Reason("actor_velocity_burst", f.actor_burst, v["engagement.actor_burst_max"])))
    if f.device_actors > v["engagement.device_actors_max"]:
        out.append(("block", Reason("device_many_accounts", f.device_actors, v["engagement.device_actors_max"])))
    if f.target_device_actors > v["engagement.target_device_actors_max"]:
        out.append(("block", Reason("target_device_accounts", f.target_device_actors,
                                    v["engagement.target_device_actors_max"])))
    if f.target_prefix_actors > v["engagement.target_prefix_actors_max"] and f.target_actors:
        share = f.target_prefix_actors / f.target_actors
        if share > v["engagement.target_prefix_share"]:
            out.append(("challenge", Reason("target_prefix_share", round(share, 3), v["engagement.target_prefix_share"])))
    if f.prefix_confirmed:
        out.append(("challenge", Reason("confirmed_prefix")))
    return _decide(out)
