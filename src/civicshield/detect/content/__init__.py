"""Policy detectors on posts and profiles."""

from civicshield.detect.content import (
    ai_media,
    election_content,
    impersonation,
    misinformation,
    paid_promotion,
    political_ads,
    recruitment,
    state_media,
)

DETECTORS: tuple = (
    election_content.DETECTOR,
    political_ads.DETECTOR,
    impersonation.DETECTOR,
    ai_media.DETECTOR,
    state_media.DETECTOR,
    recruitment.DETECTOR,
    paid_promotion.DETECTOR,
    misinformation.DETECTOR,
)
