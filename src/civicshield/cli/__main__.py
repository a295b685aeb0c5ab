"""``python -m civicshield.cli``: the same as the ``civicshield`` command."""

from civicshield.cli import main

main()
