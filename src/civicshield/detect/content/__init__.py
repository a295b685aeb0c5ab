"""Policy detectors on posts and profiles."""

from civicshield.detect.content import election_content, impersonation, political_ads

DETECTORS: tuple = (
    election_content.DETECTOR,
    political_ads.DETECTOR,
    impersonation.DETECTOR,
)
