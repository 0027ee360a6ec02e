"""What the pages behind a login share: their templates, times in the advisors' zone, the words
an escalation is shown with, the refusal page, and the app's services for module-level handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response

from bot.config import Settings
from bot.escalation.states import MODE_LABELS as MODES
from bot.escalation.states import REASON_LABELS as REASONS
from bot.services import Services
from bot.store.words import EscalationStatus

WHO = {"professional": "Professional", "assistant": "Assistent", "adviseur": "Adviseur"}
PAYLOADS = {"articles": "artikelen", "providers": "organisaties", "escalation": "doorverwijzing"}
SERVICE_LEVEL = {"overdue": "Over de servicenorm", "within": "Binnen de servicenorm", "pending": ""}


def duration_in_words(seconds: int) -> str:
    """A waiting time as an advisor reads it at a glance: '4 min', '2 u 5 min', '3 d 4 u'."""
    minutes = max(0, seconds) // 60
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} u {minutes % 60} min"
    return f"{minutes // (24 * 60)} d {minutes // 60 % 24} u"


@dataclass(frozen=True)
class Pages:
    templates: Environment
    zone: ZoneInfo

    @classmethod
    def build(cls, settings: Settings) -> Pages:
        templates = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
        )
        pages = cls(templates, ZoneInfo(settings.timezone))
        templates.filters["local"] = pages.local
        templates.filters["local_utc"] = pages.local_utc
        return pages

    def local(self, moment: str | None) -> str:
        return datetime.fromisoformat(moment).astimezone(self.zone).strftime("%d-%m-%Y %H:%M") if moment else ""

    def local_utc(self, moment: datetime | None) -> str:
        """A time as the store keeps it: naive, in UTC."""
        return self.local(moment.replace(tzinfo=timezone.utc).isoformat()) if moment else ""

    def present(self, item: dict) -> dict:
        """An escalation with the words the inbox shows, so page and script say the same."""
        holder = f"In behandeling bij {item['claimed_by']} sinds {self.local(item['claimed_at'])}"
        status = {EscalationStatus.OPEN: "Wacht op een adviseur", EscalationStatus.CLAIMED: holder,
                  EscalationStatus.CLOSED: "Gesloten"}
        waiting = item.get("waiting_seconds")
        return {
            **item,
            "reason_label": REASONS.get(item["reason"], item["reason"]),
            "mode_label": MODES.get(item["mode"], item["mode"]),
            "moment_label": f"gewenst: {item['callback_moment']}" if item.get("callback_moment") else "",
            "next_attempt_label": self.local(item.get("next_attempt_at")),
            "status_label": status.get(item["status"], item["status"]),
            "created_label": self.local(item["created_at"]),
            "waiting_label": duration_in_words(waiting) if waiting is not None else "",
            "service_level_label": SERVICE_LEVEL.get(item.get("service_level") or "pending", ""),
        }

    def page(self, request, template: str, status: int = 200, **context) -> response.HTTPResponse:
        return self.render(request, f"advisors/{template}", status, **context)

    def render(self, request, path: str, status: int = 200, **context) -> response.HTTPResponse:
        """Any template under bot/web/templates, with the signed-in account for the layout."""
        advisor = getattr(request.ctx, "advisor", None)
        return response.html(self.templates.get_template(path).render(advisor=advisor, **context), status=status)


def pages_of(request) -> Pages:
    return request.app.ctx.pages


def services_of(request) -> Services:
    return request.app.ctx.services


def settings_of(request) -> Settings:
    return request.app.ctx.settings


def refuse(request, status: int, message: str, api: bool = False) -> response.HTTPResponse:
    if api:
        return response.json({"error": message}, status=status)
    return pages_of(request).page(request, "message.html", status=status, message=message)
