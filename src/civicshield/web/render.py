"""Templates for the console: autoescape on for everything, undefined names
are errors, and nothing is ever marked safe (all shown text may be hostile)."""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from civicshield.cases.roles import allowed

ENV = Environment(
    loader=PackageLoader("civicshield", "templates/web"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)
# Values inside evidence dicts are shown as compact JSON text (escaped like any text).
# Navigation and buttons follow the same permission table as the API (never a copy of it).
ENV.globals["allowed"] = allowed
ENV.filters["compact"] = lambda v: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)


def page(template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("me", None)
    context.setdefault("csrf", "")
    return HTMLResponse(ENV.get_template(template).render(**context), status_code=status_code)
