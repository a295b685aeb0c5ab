"""The web console and API: a thin adapter over ``civicshield.cases``.

Pages are server-rendered (no script needed); the API lives under
``/api/v1``.  Permissions are decided by ``cases.roles`` only.
"""

from civicshield.web.app import create_app

__all__ = ["create_app"]
