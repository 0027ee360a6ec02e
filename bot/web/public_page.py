"""How a public page is rendered: the templates without a login, shared by the public blueprints."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response


def page_templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
    )


def page(request, template: str, status: int = 200, **context) -> response.HTTPResponse:
    """A public page, rendered with the app's templates (app.ctx.templates)."""
    return response.html(request.app.ctx.templates.get_template(template).render(**context), status=status)
