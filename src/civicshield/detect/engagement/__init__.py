"""Fake engagement and inauthentic accounts."""

from civicshield.detect.engagement import batch_created, lockstep, sleeper, spam_signup

DETECTORS: tuple = (lockstep.DETECTOR, batch_created.DETECTOR, sleeper.DETECTOR, spam_signup.DETECTOR)
