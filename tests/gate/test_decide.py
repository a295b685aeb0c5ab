"""Pure decision logic, with facts written by hand."""

from __future__ import annotations

from civicshield.gate.decide import decide_engagement, decide_signup, is_disposable, signup_flags
from civicshield.gate.model import EngagementFacts, Signup, SignupFacts
from civicshield.gate.rules import load_rules

R = load_rules()


def codes(d):
    return [r.code for r in d.reasons]


def test_throwaway_domains_and_their_subdomains_are_flagged_ordinary_mail_is_not():
    assert is_disposable("mailinator.com") and is_disposable("X.Mailinator.com.")
    assert not is_disposable("gmail.com") and not is_disposable("student.unibuc.ro") and not is_disposable("")


def test_flags_need_both_countries_to_call_a_mismatch():
    s = Signup(at=0, country="RO", phone_country="RO", email_domain="yahoo.com")
    assert signup_flags(s) == ()
    assert signup_flags(Signup(at=0, country="RO", phone_country="")) == ()
    assert signup_flags(Signup(at=0, country="RO", phone_country="vn", email_domain="mailinator.com")) == (
        "disposable_email", "phone_country_mismatch")


def test_signup_ordinary_is_allowed_and_one_flag_alone_is_not_enough():
    assert decide_signup(SignupFacts((), device_signups=1), R).decision == "allow"
    assert decide_signup(SignupFacts(("disposable_email",), 1, 1), R).decision == "allow"


def test_signup_two_flags_challenge_device_velocity_blocks_and_strikes():
    d = decide_signup(SignupFacts(("disposable_email", "phone_country_mismatch"), 1, 1), R)
    assert d.decision == "challenge" and not d.strike_device
    d = decide_signup(SignupFacts((), device_signups=R["signup.device_max"] + 1), R)
    assert d.decision == "block" and codes(d) == ["device_signup_velocity"] and d.strike_device
    assert d.reasons[0].limit == R["signup.device_max"]


def test_signup_flagged_prefix_velocity_blocks_only_flagged_attempts():
    many = R["signup.prefix_flagged_max"] + 5
    assert decide_signup(SignupFacts(("disposable_email",), 1, many), R).decision == "block"
    # An unflagged student behind the same NAT during a spam wave passes.
    assert decide_signup(SignupFacts((), 1, many), R).decision == "allow"


def test_confirmed_prefix_only_challenges_confirmed_device_blocks():
    assert decide_signup(SignupFacts((), 1, 0, prefix_confirmed=True), R).decision == "challenge"
    assert decide_signup(SignupFacts((), 1, 0, device_confirmed=True), R).decision == "block"


def test_engagement_rules_each_fire_on_their_own_signal():
    ok = EngagementFacts(actor_burst=1, actor_long=1, device_actors=1, target_actors=1,
                         target_device_actors=1, target_prefix_actors=1)
    assert decide_engagement(ok, R).decision == "allow"
    cases = {
        "confirmed_account": (dict(actor_confirmed=True), "block"),
        "device_reputation": (dict(device_strikes=R["engagement.device_strikes_block"]), "block"),
        "actor_velocity_long": (dict(actor_long=R["engagement.actor_long_max"] + 1), "block"),
        "actor_velocity_burst": (dict(actor_burst=R["engagement.actor_burst_max"] + 1), "challenge"),
        "device_many_accounts": (dict(device_actors=R["engagement.device_actors_max"] + 1), "block"),
        "target_device_accounts": (dict(target_device_actors=R["engagement.target_device_actors_max"] + 1), "block"),
        "confirmed_prefix": (dict(prefix_confirmed=True), "challenge"),
    }
    for code, (over, want) in cases.items():
        f = EngagementFacts(**{k: getattr(ok, k) for k in ok.__slots__} | over)
        d = decide_engagement(f, R)
        assert (d.decision, codes(d)) == (want, [code]), code


def test_prefix_fan_in_needs_the_prefix_to_dominate_the_target():
    n = R["engagement.target_prefix_actors_max"] + 5
    # A campus prefix during a viral moment: many students, but a small share of the post's likes.
    viral = EngagementFacts(actor_burst=1, actor_long=1, target_actors=n * 20, target_prefix_actors=n)
    assert decide_engagement(viral, R).decision == "allow"
    farm = EngagementFacts(actor_burst=1, actor_long=1, target_actors=n + 2, target_prefix_actors=n)
    d = decide_engagement(farm, R)
    assert d.decision == "challenge" and codes(d) == ["target_prefix_share"]

