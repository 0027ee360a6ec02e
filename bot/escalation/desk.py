"""The advisors' workbench, built once from the settings: inbox rows, handoff summaries, callback
attempts, canned replies, service levels and figures, on one database and the tracker store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from bot.advisors.audit import AuditLog
from bot.advisors.canned_replies import CannedReplies
from bot.config import Settings
from bot.escalation.callbacks_log import CallbackLog
from bot.escalation.conversation_facts import ConversationFacts
from bot.escalation.figures import Figures
from bot.escalation.handoff import Handoff
from bot.escalation.hours import OfficeHours
from bot.escalation.inbox_rows import InboxRows
from bot.escalation.service_levels import ServiceLevels


@dataclass(frozen=True)
class Desk:
    rows: InboxRows
    handoff: Handoff
    callbacks: CallbackLog
    canned: CannedReplies
    figures: Figures
    levels: ServiceLevels
    audit: AuditLog

    @classmethod
    def build(
        cls, factory: sessionmaker, facts: ConversationFacts, hours: OfficeHours, settings: Settings, clock=None
    ) -> Desk:
        zone = ZoneInfo(settings.timezone)
        levels = ServiceLevels(hours, settings.sla_callback_hours, settings.sla_phone_hours,
                               settings.sla_live_minutes, settings.sla_acute_minutes)  # fmt: skip
        return cls(
            rows=InboxRows(factory, facts, levels, zone, clock),
            handoff=Handoff(factory, facts, clock),
            callbacks=CallbackLog(factory, timedelta(minutes=settings.callback_retry_minutes), clock),
            canned=CannedReplies(factory, clock),
            figures=Figures(factory, levels, zone, clock),
            levels=levels,
            audit=AuditLog(factory, clock),
        )
