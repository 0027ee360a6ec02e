"""Markdown to safe HTML: nothing from an article file or a retraining report can run in a browser."""

from __future__ import annotations

import re

import markdown
import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "hr", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# A report (bot/training/report.py) also has a title, tables and its confusion matrix next to it.
REPORT_TAGS = ALLOWED_TAGS | {"h1", "table", "thead", "tbody", "tr", "th", "td", "img"}
REPORT_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt"}}

# Dutch numbers as articles write them: 0800-2000 / 0900-8844, ten digits (070 333 45 58), and 112.
PHONE = re.compile(r"(?<![\w-])(0[89]00-?\d{4}|0(?:[ -]?\d){9}|112)(?![\w-])")
TAG = re.compile(r"(<[^>]*>)")
# Text inside these is a link or code already: no phone link there.
NO_LINKS = re.compile(r"<(/?)(a|code|pre)\b", re.IGNORECASE)


def _safe_html(body: str, extensions: list[str], tags: set[str], attributes: dict[str, set[str]], phones=False) -> str:
    html = markdown.markdown(body, extensions=extensions)
    return nh3.clean(
        _link_phones(html) if phones else html,
        tags=tags,
        attributes=attributes,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def tel_href(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return f"tel:+31{digits[1:]}" if len(digits) == 10 and not digits.startswith(("0800", "0900")) else f"tel:{digits}"


def _link_phones(html: str) -> str:
    """Phone numbers in text (not in tags, links or code) as tel: links; nh3 cleans the result after."""
    parts, inside = [], 0
    for part in TAG.split(html):
        tag = NO_LINKS.match(part)
        if tag:
            inside = max(0, inside + (-1 if tag.group(1) else 1))
        elif not part.startswith("<") and not inside:
            part = PHONE.sub(lambda m: f'<a href="{tel_href(m.group())}">{m.group()}</a>', part)
        parts.append(part)
    return "".join(parts)


def article_html(body: str) -> str:
    return _safe_html(body, ["sane_lists"], ALLOWED_TAGS, ALLOWED_ATTRIBUTES, phones=True)


def report_html(body: str) -> str:
    return _safe_html(body, ["sane_lists", "tables"], REPORT_TAGS, REPORT_ATTRIBUTES)
