"""Articles and providers as the knowledge service hands them out, built once per catalogue.

`payload_item` is each record's item in the structured reply contract
(../shared/contract/payloads.md): fields may be added there, never renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass


def page_url(public_url: str, path: str) -> str:
    """An absolute link to one of our pages: a widget on another site must reach it too."""
    return f"{public_url.rstrip('/')}/{path}"


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    summary: str
    body: str
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    updated: str  # ISO date
    score: float | None = None  # set on a search result: 0..1, for display

    def payload_item(self, public_url: str) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "url": page_url(public_url, f"kennis/{self.id}"),
            "topics": list(self.topics),
            "score": self.score,
        }


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    description: str
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    regions: tuple[str, ...]
    services: tuple[str, ...]
    phone: str | None  # None where not known for certain: never a made-up number
    url: str | None  # the provider's own website
    score: float | None = None

    def payload_item(self, public_url: str) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "topics": list(self.topics),
            "audiences": list(self.audiences),
            "regions": list(self.regions),
            "services": list(self.services),
            "phone": self.phone,
            "url": self.url,
            "page": page_url(public_url, f"organisaties/{self.id}"),
        }


Record = Article | Provider
