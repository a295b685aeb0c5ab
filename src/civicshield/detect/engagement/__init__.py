"""Fake engagement and inauthentic accounts."""

from civicshield.detect.engagement import batch_created, lockstep, recidivism, sleeper, spam_signup

DETECTORS: tuple = (
    lockstep.DETECTOR,
    batch_created.DETECTOR,
    sleeper.DETECTOR,
    spam_signup.DETECTOR,
    recidivism.DETECTOR,
)
