"""Wie doet wat: the providers with filters by topic, work setting, service and place.

National and European bodies serve every place, and a body that every region or
municipality has its own of (Veilig Thuis, the wijkteam) is there too, so a
place filter keeps those and drops only providers of other places.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.browse import known_choice
from bot.knowledge.records import Provider
from bot.knowledge.regions import EVERYWHERE, IN_EVERY_PLACE, Place, Regions
from bot.knowledge.service import KnowledgeService


@dataclass(frozen=True)
class ProviderSearch:
    topic: str | None
    audience: str | None
    service: str | None
    place: Place | None
    items: list[Provider]  # providers of the place first, then those in every place, then national ones
    services: list[str]  # every kind of service on offer, for the filter
    ignored: tuple[str, ...] = ()  # parameters with an unknown value: "onderwerp", "werkveld", "aanbod", "regio"


def services_offered(providers: list[Provider]) -> list[str]:
    return sorted({service for provider in providers for service in provider.services})


def search(
    knowledge: KnowledgeService,
    regions: Regions,
    topic: str | None,
    audience: str | None,
    service: str | None,
    region: str | None,
) -> ProviderSearch:
    providers = list(knowledge.catalogue().providers.values())
    services = services_offered(providers)
    topic, bad_topic = known_choice(topic, knowledge.topics())
    audience, bad_audience = known_choice(audience, knowledge.audiences())
    service, bad_service = known_choice(service, [{"id": s} for s in services])
    place = regions.place(region) if (region or "").strip() else None
    bad_region = bool((region or "").strip()) and place is None
    flags = (("onderwerp", bad_topic), ("werkveld", bad_audience), ("aanbod", bad_service), ("regio", bad_region))
    ignored = tuple(name for name, bad in flags if bad)

    def order(provider: Provider) -> tuple:
        if place is None:
            return (0, provider.name)
        here = regions.serves(provider.regions, place.value)
        everywhere = any(r in EVERYWHERE for r in provider.regions)
        return (0 if here else 2 if everywhere else 1, provider.name)

    def fits(provider: Provider) -> bool:
        wanted = (
            (not topic or topic in provider.topics)
            and (not audience or audience in provider.audiences)
            and (not service or service in provider.services)
        )
        return wanted and (place is None or serves_place(regions, provider, place))

    items = sorted(filter(fits, providers), key=order)
    return ProviderSearch(topic, audience, service, place, items, services, ignored)


def serves_place(regions: Regions, provider: Provider, place: Place) -> bool:
    """Whether a provider is there for someone in `place`: it works there, everywhere, or has one in every place."""
    kinds = EVERYWHERE + IN_EVERY_PLACE
    return any(r in kinds for r in provider.regions) or regions.serves(provider.regions, place.value)
