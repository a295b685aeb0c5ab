"""HTML rendering with autoescaping on: everything shown may come from the
accounts under investigation, so nothing is ever marked safe by default."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

_ENV = Environment(
    loader=PackageLoader("civicshield", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)


def render(template: str, **context) -> str:
    return _ENV.get_template(template).render(**context)
