"""Find providers: the organisations that can support the professional, and their contact details."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import MessageAction, ServiceAction, context_events, context_of, latest_entity, question_of
from actions.knowledge import ActionSearchKnowledge
from bot.contract import providers_payload
from bot.knowledge.context import find_providers, providers_in_region, serves_region, shown_providers
from bot.knowledge.records import Provider


class ActionFindProviders(MessageAction):
    def name(self) -> str:
        return "action_find_providers"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
        events = self.answer(dispatcher, tracker, text)
        if events is None:
            dispatcher.utter_message(response="utter_no_providers")
            return []
        return events

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str, decided: bool = False
    ) -> list[dict] | None:
        """Sends the providers for `text` and returns the slot events; None when none match
        (or, with `decided`, when the answer decision did not say that they answer it)."""
        question = question_of(tracker, self.services.knowledge, text)
        reply = find_providers(self.services.knowledge, question)
        if not reply.found.items or (decided and not reply.found.answered):
            return None
        dispatcher.utter_message(json_message=providers_payload(reply.found.items, self.public_url))
        dispatcher.utter_message(response="utter_providers_followup")
        return context_events(question.context, reply.context)


class ActionProviderContacts(ServiceAction):
    """ "Hebben ze een telefoonnummer?": the contact details of the providers just shown."""

    def name(self) -> str:
        return "action_provider_contacts"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        providers = shown_providers(self.services.knowledge, context_of(tracker))
        if not providers:
            dispatcher.utter_message(response="utter_contacts_which_provider")
            return []
        known = [p for p in providers if p.phone or p.url]
        if not known:
            # Never a made-up number: say plainly that none is known.
            dispatcher.utter_message(response="utter_contacts_unknown")
            return []
        lines = [f"{p.name}: {contact_line(p)}" for p in known]
        dispatcher.utter_message(response="utter_contacts", contacts="\n".join(lines))
        if len(known) < len(providers):
            dispatcher.utter_message(response="utter_contacts_partly_unknown")
        return []


def contact_line(provider: Provider) -> str:
    parts = [f"telefoon {provider.phone}" if provider.phone else "", provider.url or ""]
    return ", ".join(part for part in parts if part)


class ActionProvidersInRegion(ServiceAction):
    """ "Wij zitten in Rotterdam": the providers, those that work in that region first."""

    def name(self) -> str:
        return "action_providers_in_region"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        region = latest_entity(tracker, "region")
        context = context_of(tracker)
        if not region and (context.last_query or latest_entity(tracker, "topic")):
            # No place named: a narrowing follow-up of the last question ("en dan in de wijk"), or a
            # question about a topic that names a kind of place ("preventie in de gemeente").
            return ActionSearchKnowledge(self._services).act(dispatcher, tracker, domain)
        if not region:
            # Only where ("wij werken in de wijk"): the search alone is no judge, "wijk" is an article's keyword.
            dispatcher.utter_message(response="utter_ask_region")
            return []
        providers = providers_in_region(self.services.knowledge, replace(context, region=region))
        if not providers:
            dispatcher.utter_message(response="utter_region_noted", region=region)
            return [SlotSet("region", region)]
        if not any(serves_region(p, region) for p in providers):
            dispatcher.utter_message(response="utter_region_national", region=region)
        dispatcher.utter_message(json_message=providers_payload(providers, self.public_url))
        return [SlotSet("region", region), SlotSet("last_providers", [p.id for p in providers[:5]])]
