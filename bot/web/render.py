"""Markdown to safe HTML: nothing from an article file can run in a browser."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "hr", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def article_html(body: str) -> str:
    raw = markdown.markdown(body, extensions=["sane_lists"])
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
