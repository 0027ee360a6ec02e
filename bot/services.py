"""The services actions and web handlers use, built once per process from config.

Tests build their own `Services` around an in-memory database instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from bot.config import Settings, load_settings
from bot.escalation.hours import OfficeHours
from bot.escalation.notify import Notifier
from bot.escalation.service import EscalationService
from bot.feedback import FeedbackService
from bot.knowledge.service import KnowledgeService
from bot.store import make_engine, make_sessionmaker


@dataclass(frozen=True)
class Services:
    factory: sessionmaker
    knowledge: KnowledgeService
    escalation: EscalationService
    feedback: FeedbackService


def build_services(settings: Settings, factory: sessionmaker | None = None) -> Services:
    factory = factory or make_sessionmaker(make_engine(settings.db_url))
    hours = OfficeHours.parse(settings.office_days, settings.office_hours, settings.timezone)
    return Services(
        factory=factory,
        knowledge=KnowledgeService(factory),
        escalation=EscalationService(
            factory, hours, create_engine(settings.tracker_db_url, future=True),
            notifier=Notifier(settings.escalation_webhook, settings.public_url),
        ),
        feedback=FeedbackService(factory),
    )


@lru_cache(maxsize=1)
def default_services() -> Services:
    return build_services(load_settings())
