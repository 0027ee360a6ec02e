"""Markdown to safe HTML: nothing from an article file or a retraining report can run in a browser."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "hr", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# A report (bot/training/gate.py) also has a title, tables and its confusion matrix next to it.
REPORT_TAGS = ALLOWED_TAGS | {"h1", "table", "thead", "tbody", "tr", "th", "td", "img"}
REPORT_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt"}}


def _safe_html(body: str, extensions: list[str], tags: set[str], attributes: dict[str, set[str]]) -> str:
    return nh3.clean(
        markdown.markdown(body, extensions=extensions),
        tags=tags,
        attributes=attributes,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def article_html(body: str) -> str:
    return _safe_html(body, ["sane_lists"], ALLOWED_TAGS, ALLOWED_ATTRIBUTES)


def report_html(body: str) -> str:
    return _safe_html(body, ["sane_lists", "tables"], REPORT_TAGS, REPORT_ATTRIBUTES)
