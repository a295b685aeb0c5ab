"""Fake engagement and inauthentic accounts."""

from civicshield.detect.engagement import batch_created, dense_block, lockstep, recidivism, sleeper, spam_signup

DETECTORS: tuple = (
    lockstep.DETECTOR,
    dense_block.DETECTOR,
    batch_created.DETECTOR,
    sleeper.DETECTOR,
    spam_signup.DETECTOR,
    recidivism.DETECTOR,
)
