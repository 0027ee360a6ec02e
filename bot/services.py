"""The composition root: every service the web app, the actions, the channels and the CLI use,
built once per process from config. Nothing else constructs a service for them.

Tests build their own `Services` around an in-memory database instead (build_services' factory).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.advisors.accounts import AccountService
from bot.advisors.live_chat import LiveChat
from bot.advisors.sessions import SessionStore
from bot.config import Settings, load_settings
from bot.escalation.callback import PendingCallbacks
from bot.escalation.conversation_facts import ConversationFacts
from bot.escalation.desk import Desk
from bot.escalation.hours import OfficeHours
from bot.escalation.live_rating import LiveRatings
from bot.escalation.notify import Notifier
from bot.escalation.relay import LiveRelay
from bot.escalation.service import EscalationService
from bot.feedback import FeedbackService
from bot.insights.rollup import Rollup
from bot.knowledge.service import KnowledgeService
from bot.privacy.retention import Retention
from bot.store import make_engine, make_sessionmaker, make_tracker_reader
from bot.training.review import ReviewQueue


@dataclass(frozen=True)
class Services:
    settings: Settings  # what they were built from: the actions' links need the public URL
    factory: sessionmaker
    tracker: Engine  # Rasa's tracker store, read for transcripts, handoffs and the review queue
    knowledge: KnowledgeService
    escalation: EscalationService
    feedback: FeedbackService
    notifier: Notifier
    desk: Desk
    live_chat: LiveChat
    accounts: AccountService
    sessions: SessionStore
    pending_callbacks: PendingCallbacks
    live_ratings: LiveRatings
    review: ReviewQueue
    retention: Retention
    insights: Rollup  # the daily figures of /beheer/inzicht, caught up from the tracker store


def build_services(settings: Settings, factory: sessionmaker | None = None) -> Services:
    factory = factory or make_sessionmaker(make_engine(settings.db_url, pool_size=settings.db_pool_size))
    tracker = make_tracker_reader(settings.tracker_db_url, pool_size=settings.db_pool_size)  # connects when first read
    hours = OfficeHours.parse(settings.office_days, settings.office_hours, settings.timezone)
    notifier = Notifier(settings.escalation_webhook, settings.public_url)
    escalation = EscalationService(factory, hours, tracker, notifier=notifier)
    insights = Rollup(factory, tracker, ZoneInfo(settings.timezone), idle_days=settings.retention_days)
    desk = Desk.build(factory, ConversationFacts(tracker), hours, settings)
    return Services(
        settings=settings,
        factory=factory,
        tracker=tracker,
        knowledge=KnowledgeService(factory),
        escalation=escalation,
        feedback=FeedbackService(factory),
        notifier=notifier,
        desk=desk,
        live_chat=LiveChat(escalation, LiveRelay(settings.rasa_url, settings.relay_token), desk.canned),
        accounts=AccountService(factory),
        sessions=SessionStore(factory),
        pending_callbacks=PendingCallbacks(factory),
        live_ratings=LiveRatings(factory),
        review=ReviewQueue(factory, tracker),
        retention=Retention(
            factory, tracker, settings.retention_days, settings.escalation_retention_days, insights=insights
        ),
        insights=insights,
    )


@lru_cache(maxsize=1)
def default_services() -> Services:
    return build_services(load_settings())
