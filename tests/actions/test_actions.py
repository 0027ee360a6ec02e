import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.base import CLARIFYING_QUESTION, latest_text, question_text
from actions.escalation import ActionAcuteDanger, ActionEscalate, ActionTellHours
from actions.fallback import ActionHandleFallback, ActionOutOfScope
from actions.knowledge import ActionClarifyConcern, ActionExplainPrivacy, ActionSearchKnowledge
from actions.providers import ActionFindProviders, ActionProviderContacts, ActionProvidersInRegion
from bot.store import Escalation, unit_of_work
from tests.actions.conftest import make_tracker, responses, user_event

ARTICLE_KEYS = {"id", "title", "summary", "url", "topics", "score"}
PROVIDER_KEYS = {"id", "name", "description", "topics", "audiences", "regions", "services", "phone", "url", "page"}
ESCALATION_KEYS = {"type", "ticket", "reason", "mode", "phone", "open_now", "hours", "emergency"}


def custom(messages, kind):
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]


def test_a_knowledge_question_gets_an_articles_payload_first(run_action, services):
    question = "Hoe praat ik met een leerling over complottheorieën?"
    messages = run_action(ActionSearchKnowledge, make_tracker(question, "ask_knowledge"))
    assert responses(messages) == ["articles", "utter_articles_followup"]
    [payload] = custom(messages, "articles")
    assert payload["query"] == question
    assert 1 <= len(payload["items"]) <= 5
    for item in payload["items"]:
        assert set(item) == ARTICLE_KEYS
        # Absolute: the widget may be embedded on another site.
        assert item["url"] == f"{services.settings.public_url}/kennis/{item['id']}"
        assert 0 < item["score"] <= 1
    assert "complotdenken" in payload["items"][0]["topics"]


def test_the_recognised_topic_steers_the_ranking(run_action):
    entities = [{"entity": "topic", "value": "ouders"}]
    messages = run_action(ActionSearchKnowledge, make_tracker("zorgen over een zoon", "ask_knowledge", entities))
    assert custom(messages, "articles")[0]["items"][0]["topics"][0] == "ouders"


def test_a_question_without_matching_articles_says_so(run_action):
    tracker = make_tracker("welke trein rijdt er vanavond naar maastricht", "ask_knowledge")
    messages = run_action(ActionSearchKnowledge, tracker)
    assert responses(messages) == ["utter_no_articles"]


def test_the_answer_to_the_clarifying_question_is_searched_with_the_description():
    history = [
        user_event("ik maak me zorgen over een leerling", "describe_concern"),
        {"event": "action", "name": "action_clarify_concern"},
        {
            "event": "bot",
            "text": "Wat zie of hoor je precies?",
            "metadata": {"utter_action": "utter_ask_concern_details"},
        },
    ]
    tracker = make_tracker("hij deelt steeds filmpjes op tiktok", "ask_knowledge", history=history)
    assert question_text(tracker) == "ik maak me zorgen over een leerling hij deelt steeds filmpjes op tiktok"
    assert question_text(make_tracker("alleen dit", "ask_knowledge")) == "alleen dit"


def test_a_vague_concern_gets_the_clarifying_question(run_action):
    messages = run_action(ActionClarifyConcern, make_tracker("ik maak me zorgen over een leerling", "describe_concern"))
    assert responses(messages) == ["utter_ask_concern_details"]


def test_a_vague_concern_gets_the_clarifying_question_however_well_the_search_matches(run_action):
    messages = run_action(ActionClarifyConcern, make_tracker("een leerling baart me zorgen", "describe_concern"))
    assert responses(messages) == ["utter_ask_concern_details"]


def test_a_concern_that_says_what_happens_gets_articles_at_once(run_action):
    tracker = make_tracker("leerling heeft contact met een onbekende volwassene die hem ronselt", "describe_concern")
    assert responses(run_action(ActionClarifyConcern, tracker)) == ["articles", "utter_articles_followup"]


def test_a_concern_that_names_a_topic_gets_articles_at_once(run_action):
    entities = [{"entity": "topic", "value": "online"}]
    tracker = make_tracker("ik maak me zorgen over wat een leerling op tiktok deelt", "describe_concern", entities)
    messages = run_action(ActionClarifyConcern, tracker)
    assert responses(messages) == ["articles", "utter_articles_followup"]


def test_a_button_press_refers_to_the_question_before_it():
    history = [user_event("waar kunnen ouders terecht", "ask_knowledge")]
    assert latest_text(make_tracker("/find_provider", "find_provider", history=history)) == "waar kunnen ouders terecht"


def test_acute_danger_in_a_knowledge_question_still_gets_112_first(run_action):
    tracker = make_tracker("er loopt nu een jongen met een mes door de school, wat moet ik doen", "ask_knowledge")
    messages = run_action(ActionSearchKnowledge, tracker)
    assert responses(messages)[0] == "utter_acute_112"


def test_providers_follow_the_contract(run_action, services):
    messages = run_action(ActionFindProviders, make_tracker("Waar kunnen ouders terecht met zorgen?", "find_provider"))
    assert responses(messages) == ["providers", "utter_providers_followup"]
    [payload] = custom(messages, "providers")
    assert payload["items"] and all(set(item) == PROVIDER_KEYS for item in payload["items"])
    for item in payload["items"]:
        assert item["page"] == f"{services.settings.public_url}/organisaties/{item['id']}"
        assert item["url"] is None or item["url"].startswith("https://")  # their own website, not our page
    assert any("ouders" in item["topics"] for item in payload["items"][:3])


def test_a_request_for_a_person_gets_the_advieslijn_and_a_ticket(run_action, services):
    tracker = make_tracker("ik wil een adviseur spreken", "request_human", sender="gesprek-adviseur")
    messages = run_action(ActionEscalate, tracker)
    assert responses(messages) == ["utter_escalation_open", "escalation", "utter_contact_options_callback"]
    assert messages[0]["hours"] == "maandag t/m vrijdag 09:00–17:00"
    [payload] = custom(messages, "escalation")
    assert set(payload) == ESCALATION_KEYS
    assert payload["phone"] == "070 333 45 58" and payload["reason"] == "user_request"
    assert payload["mode"] == "phone" and payload["open_now"] is True and payload["emergency"] is None
    with unit_of_work(services.factory) as session:
        stored = session.execute(select(Escalation).where(Escalation.ticket == payload["ticket"])).scalar_one()
        assert stored.conversation_id == "gesprek-adviseur" and stored.reason == "user_request"


def test_negative_feedback_escalates_with_its_reason(run_action):
    messages = run_action(ActionEscalate, make_tracker("hier heb ik niks aan", "feedback_negative"))
    assert custom(messages, "escalation")[0]["reason"] == "negative_feedback"


def test_acute_danger_says_112_first_then_the_advieslijn(run_action):
    messages = run_action(ActionAcuteDanger, make_tracker("hij heeft een wapen", "acute_danger"))
    assert responses(messages) == ["utter_acute_112", "escalation", "utter_acute_followup"]
    [payload] = custom(messages, "escalation")
    assert payload["reason"] == "acute" and payload["emergency"] == "112"


def test_fallback_asks_to_rephrase_first_and_offers_an_advisor_the_second_time(run_action):
    first = run_action(ActionHandleFallback, make_tracker("blabla", "nlu_fallback"))
    assert responses(first) == ["utter_ask_rephrase"]
    history = [user_event("blabla", "nlu_fallback"), {"event": "action", "name": "action_handle_fallback"}]
    second = run_action(ActionHandleFallback, make_tracker("nog steeds blabla", "nlu_fallback", history=history))
    assert responses(second) == ["utter_fallback_advisor", "utter_escalation_open", "escalation"]
    assert custom(second, "escalation")[0]["reason"] == "low_confidence"


def fallback_tracker(text, guess, history=(), slots=None):
    tracker = make_tracker(text, "nlu_fallback", history=history, slots=slots)
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": guess, "confidence": 0.3},
        {"name": "greet", "confidence": 0.1},
    ]
    return tracker


def test_an_unsure_knowledge_guess_that_the_search_confirms_gets_articles(run_action):
    messages = run_action(
        ActionHandleFallback,
        fallback_tracker("soevereinen erkennen de rechtsstaat niet, wat willen ze", "ask_knowledge"),
    )
    assert responses(messages) == ["articles", "utter_articles_followup"]


def test_an_unsure_provider_guess_that_the_search_confirms_gets_providers(run_action):
    messages = run_action(ActionHandleFallback, fallback_tracker("familiesteunpunt", "find_provider"))
    assert responses(messages) == ["providers", "utter_providers_followup"]


def test_an_unsure_guess_without_matches_asks_to_rephrase(run_action):
    messages = run_action(ActionHandleFallback, fallback_tracker("hoe laat gaat de bakker open", "ask_knowledge"))
    assert responses(messages) == ["utter_ask_rephrase"]
    messages = run_action(ActionHandleFallback, fallback_tracker("hoe laat gaat de bakker open", "out_of_scope"))
    assert responses(messages) == ["utter_ask_rephrase"]


def test_an_unsure_out_of_scope_guess_that_the_search_confirms_gets_articles(run_action):
    """As when the NLU is sure it is out of scope: a bare movement name it has not learnt is still in the domain."""
    messages = run_action(ActionHandleFallback, fallback_tracker("soevereinen", "out_of_scope"))
    assert responses(messages) == ["articles", "utter_choose_sub_theme"]


def test_an_unsure_out_of_scope_guess_after_a_concern_is_read_on_its_own(run_action):
    slots = {"last_query": CONCERN, "topic": "ideologie"}
    tracker = fallback_tracker("leerling heeft hoofdpijn en wil naar huis", "out_of_scope", slots=slots)
    assert responses(run_action(ActionHandleFallback, tracker)) == ["utter_ask_rephrase"]


def test_an_unsure_concern_that_says_what_happens_has_the_bar_of_a_recognised_one(run_action):
    text = "student wil niks meer met ongelovigen te maken hebben, verontrustend?"  # p(answer) about 0.57
    messages = run_action(ActionHandleFallback, fallback_tracker(text, "describe_concern"))
    assert responses(messages) == ["articles", "utter_articles_followup"]
    # Read as a knowledge question the NLU was unsure of, it has the higher bar.
    messages = run_action(ActionHandleFallback, fallback_tracker(text, "ask_knowledge"))
    assert responses(messages) == ["utter_ask_rephrase"]
    # A guess of a concern that says nothing that happens is still a miss.
    messages = run_action(ActionHandleFallback, fallback_tracker("blabla over een leerling", "describe_concern"))
    assert responses(messages) == ["utter_ask_rephrase"]


def test_a_fallback_after_an_understood_message_starts_counting_again(run_action):
    history = [
        user_event("blabla", "nlu_fallback"),
        user_event("hallo", "greet"),
    ]
    messages = run_action(ActionHandleFallback, make_tracker("blabla", "nlu_fallback", history=history))
    assert responses(messages) == ["utter_ask_rephrase"]


def test_hours_are_told_with_the_current_state(run_action):
    messages = run_action(ActionTellHours, make_tracker("wanneer zijn jullie bereikbaar", "ask_hours"))
    assert responses(messages) == ["utter_hours_open"]
    assert messages[0]["hours"] == "maandag t/m vrijdag 09:00–17:00"


def test_privacy_of_this_chat_is_explained(run_action):
    messages = run_action(ActionExplainPrivacy, make_tracker("wordt dit gesprek opgeslagen", "ask_privacy"))
    assert responses(messages) == ["utter_privacy"]


def test_privacy_in_the_professionals_work_also_gets_articles(run_action):
    question = "mag ik informatie over een minderjarige delen met de wijkagent zonder toestemming van de ouders"
    messages = run_action(ActionExplainPrivacy, make_tracker(question, "ask_privacy"))
    assert responses(messages) == ["utter_privacy", "utter_privacy_at_work", "articles"]
    assert "privacy" in custom(messages, "articles")[0]["items"][0]["topics"]


def test_the_callback_form_stores_a_valid_number_on_the_escalation_only(run_action, services):
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.callback import ActionAskCallbackPhone, ActionSaveCallback, ValidateCallbackForm
    from bot.escalation.callback import PendingCallbacks

    sender = "gesprek-terugbellen"
    asked = run_action(ActionAskCallbackPhone, make_tracker("/request_human", "request_human", sender=sender))
    assert responses(asked) == ["utter_ask_callback_phone"]
    validator = ValidateCallbackForm(services)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("12345", "deny", sender=sender)
    assert asyncio.run(validator.validate_callback_phone("12345", dispatcher, tracker, {})) == {"callback_phone": None}
    assert responses(dispatcher.messages) == ["utter_invalid_phone"]
    PendingCallbacks(services.factory).ask(sender)
    PendingCallbacks(services.factory).park(sender, "06-87654321")
    result = asyncio.run(validator.validate_callback_phone("[TELEFOON]", CollectingDispatcher(), tracker, {}))
    assert result == {"callback_phone": "[TELEFOON]"}  # the slot, and so the tracker, never holds the number
    slots = {"callback_moment": "morgenochtend", "callback_question": "vraag over een leerling"}
    saved = run_action(
        ActionSaveCallback, make_tracker("vraag over een leerling", "ask_knowledge", slots=slots, sender=sender)
    )
    assert responses(saved) == ["utter_callback_saved", "escalation"]
    assert saved[0]["phone"] == "het nummer dat eindigt op 21"
    payload = custom(saved, "escalation")[0]
    assert payload["mode"] == "callback"
    with unit_of_work(services.factory) as session:
        record = session.execute(select(Escalation).where(Escalation.ticket == payload["ticket"])).scalar_one()
        assert (record.callback_phone, record.callback_moment) == ("0687654321", "morgenochtend")


def test_stop_cancels_the_callback_form(services):
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.callback import ValidateCallbackForm

    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateCallbackForm(services).run(dispatcher, make_tracker("stop", "deny"), {}))
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert responses(dispatcher.messages) == ["utter_callback_cancelled"]


def test_live_chat_without_an_advisor_online_offers_phone_and_callback(run_action):
    tracker = make_tracker('/request_human{"mode": "live"}', "request_human", [{"entity": "mode", "value": "live"}])
    messages = run_action(ActionEscalate, tracker)
    assert responses(messages) == ["utter_live_unavailable", "escalation", "utter_contact_options_callback"]


def test_who_can_help_with_that_uses_the_topic_just_discussed(run_action):
    tracker = make_tracker(
        "wie kan daarbij helpen", "find_provider", slots={"topic": "exit", "last_query": "uitstappen"}
    )
    [payload] = custom(run_action(ActionFindProviders, tracker), "providers")
    assert any("exit" in item["topics"] for item in payload["items"][:3])


def test_contact_details_are_those_of_the_providers_just_shown(run_action, services):
    known = [p for p in services.knowledge.catalogue().providers.values() if p.phone][:1]
    unknown = [p for p in services.knowledge.catalogue().providers.values() if not p.phone and not p.url][:1]
    shown = make_tracker(
        "hebben ze een telefoonnummer",
        "ask_contact_details",
        slots={"last_providers": [known[0].id, unknown[0].id]},
    )
    messages = run_action(ActionProviderContacts, shown)
    assert responses(messages) == ["utter_contacts", "utter_contacts_partly_unknown"]
    assert known[0].phone in messages[0]["contacts"] and unknown[0].name not in messages[0]["contacts"]
    none_known = make_tracker("website?", "ask_contact_details", slots={"last_providers": [unknown[0].id]})
    assert responses(run_action(ActionProviderContacts, none_known)) == ["utter_contacts_unknown"]
    assert responses(run_action(ActionProviderContacts, make_tracker("nummer?", "ask_contact_details"))) == [
        "utter_contacts_which_provider"
    ]


def test_a_region_reorders_the_providers_and_says_when_none_is_local(run_action):
    tracker = make_tracker(
        "wij zitten in zwolle",
        "inform_region",
        entities=[{"entity": "region", "value": "zwolle"}],
        slots={"topic": "ouders"},
    )
    messages = run_action(ActionProvidersInRegion, tracker)
    assert responses(messages) == ["utter_region_national", "providers"]
    assert all("landelijk" in item["regions"] for item in custom(messages, "providers")[0]["items"][:1])


SHARING_ARTICLES = {"zorgen-delen-wanneer-en-met-wie", "informatie-delen-minderjarige-avg-beroepsgeheim"}


@pytest.mark.parametrize(
    "question", ["moet ik dat melden", "mag ik dit aan de school vertellen", "moet ik zijn ouders op de hoogte brengen"]
)
def test_asking_whether_to_report_after_a_concern_gets_the_articles_on_sharing(run_action, question):
    tracker = make_tracker(
        question,
        "ask_knowledge",
        slots={"last_query": "leerling deelt onthoofdingsvideo in de klassenapp", "topic": "online"},
    )
    [payload] = custom(run_action(ActionSearchKnowledge, tracker), "articles")
    assert SHARING_ARTICLES & {item["id"] for item in payload["items"][:3]}


def test_where_to_share_a_concern_gets_the_article_on_sharing_whoever_it_is_about(run_action):
    """Read as a vague concern, it used to get the clarifying question; "leerling" pulled school articles first."""
    tracker = make_tracker("met wie deel ik mijn zorgen over een cliënt", "describe_concern")
    [payload] = custom(run_action(ActionClarifyConcern, tracker), "articles")
    assert "zorgen-delen-wanneer-en-met-wie" in [item["id"] for item in payload["items"][:3]]
    tracker = fallback_tracker("waar meld ik zorgen over een leerling", "ask_knowledge")
    [payload] = custom(run_action(ActionHandleFallback, tracker), "articles")
    assert payload["items"][0]["id"] == "zorgen-delen-wanneer-en-met-wie"


def test_a_narrowing_follow_up_keeps_the_topic(run_action):
    tracker = make_tracker(
        "en dan in de wijk", "ask_knowledge", slots={"last_query": "polarisatie", "topic": "polarisatie"}
    )
    [payload] = custom(run_action(ActionSearchKnowledge, tracker), "articles")
    assert "polarisatie" in payload["items"][0]["topics"]


def test_noise_twice_ends_with_the_advisor_even_when_the_nlu_calls_it_out_of_scope(run_action):
    first = run_action(ActionOutOfScope, make_tracker("qwq qwq qwq", "out_of_scope"))
    assert responses(first) == ["utter_ask_rephrase"]
    second = run_action(
        ActionOutOfScope, make_tracker("zzkk vvbb", "out_of_scope", history=[user_event("qwq qwq qwq", "out_of_scope")])
    )
    assert custom(second, "escalation")[0]["reason"] == "low_confidence"


CONCERN = "leerling wil niks meer met ongelovigen te maken hebben en noemt ze vijanden"


def test_a_message_out_of_scope_after_a_concern_is_not_read_with_it(run_action):
    slots = {"last_query": CONCERN, "topic": "ideologie"}
    tracker = make_tracker("leerling heeft hoofdpijn en wil naar huis", "out_of_scope", slots=slots)
    assert responses(run_action(ActionOutOfScope, tracker)) == ["utter_out_of_scope"]


def test_a_reply_to_the_clarifying_question_out_of_scope_is_read_with_the_description(run_action):
    history = [
        user_event("ik maak me zorgen over een leerling", "describe_concern"),
        {"event": "bot", "text": "Wat zie of hoor je?", "metadata": {"utter_action": "utter_ask_concern_details"}},
    ]
    tracker = make_tracker("hij noemt klasgenoten ongelovigen en vijanden", "out_of_scope", history=history)
    assert responses(run_action(ActionOutOfScope, tracker)) == ["articles", "utter_articles_followup"]


def test_noise_the_nlu_read_as_a_question_is_a_miss_too(run_action):
    first = run_action(ActionSearchKnowledge, make_tracker("qwq qwq", "ask_knowledge"))
    assert responses(first) == ["utter_ask_rephrase"]
    history = [user_event("qwq qwq", "ask_knowledge")]
    second = run_action(ActionSearchKnowledge, make_tracker("zzkk vvbb", "ask_knowledge", history=history))
    assert custom(second, "escalation")[0]["reason"] == "low_confidence"


def test_a_place_type_without_a_place_narrows_the_last_question(run_action):
    slots = {"last_query": "polarisatie", "topic": "polarisatie"}
    messages = run_action(ActionProvidersInRegion, make_tracker("en dan in de wijk", "inform_region", slots=slots))
    assert "polarisatie" in custom(messages, "articles")[0]["items"][0]["topics"]
    assert responses(run_action(ActionProvidersInRegion, make_tracker("in de regio", "inform_region"))) == [
        "utter_ask_region"
    ]


def test_a_topic_question_misfiled_as_a_privacy_question_gets_articles(run_action):
    topic = [{"entity": "topic", "value": "online"}]
    messages = run_action(ActionExplainPrivacy, make_tracker("memes met verborgen codes", "ask_privacy", topic))
    assert "utter_privacy" not in responses(messages)
    assert "online" in custom(messages, "articles")[0]["items"][0]["topics"]
    plain = run_action(ActionExplainPrivacy, make_tracker("wordt dit gesprek opgeslagen", "ask_privacy"))
    assert responses(plain)[0] == "utter_privacy"


def test_a_question_that_names_a_kind_of_place_is_answered_and_a_bare_place_type_asks_which(run_action):
    topic = [{"entity": "topic", "value": "aanpak"}]
    messages = run_action(ActionProvidersInRegion, make_tracker("preventie in de gemeente", "inform_region", topic))
    assert "aanpak" in custom(messages, "articles")[0]["items"][0]["topics"]
    assert responses(run_action(ActionProvidersInRegion, make_tracker("wij werken in de wijk", "inform_region"))) == [
        "utter_ask_region"
    ]


def test_a_worrying_but_not_imminent_concern_gets_articles_and_the_advisor_not_112(run_action):
    text = "een leerling deelde een onthoofdingsvideo in de klassenapp"
    for action, intent in ((ActionClarifyConcern, "describe_concern"), (ActionAcuteDanger, "acute_danger")):
        messages = run_action(action, make_tracker(text, intent))
        assert "utter_acute_112" not in responses(messages)
        assert custom(messages, "articles") and custom(messages, "escalation")[0]["reason"] == "complex_case"
        assert custom(messages, "escalation")[0]["emergency"] is None


def test_a_joke_about_an_attack_the_nlu_called_acute_gets_no_112(run_action):
    tracker = make_tracker("hij zei lachend dat hij de school wil opblazen, maar het was een grap", "acute_danger")
    assert "utter_acute_112" not in responses(run_action(ActionAcuteDanger, tracker))


def test_a_concern_that_gets_a_clarifying_question_stays_the_subject(services):
    text = "ik maak me zorgen over een leerling"
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionClarifyConcern(services).run(dispatcher, make_tracker(text, "describe_concern"), {}))
    assert responses(dispatcher.messages) == [CLARIFYING_QUESTION]
    assert [e["value"] for e in events if e["name"] == "last_query"] == [text]


def test_asking_whether_to_break_a_confidence_gets_the_articles_on_sharing(run_action):
    slots = {"last_query": "jongere vertelt in vertrouwen dat zijn broer wapens verzamelt", "topic": "signalen"}
    tracker = make_tracker("mag ik zijn vertrouwen dan breken", "ask_knowledge", slots=slots)
    [payload] = custom(run_action(ActionSearchKnowledge, tracker), "articles")
    assert all({"samenwerken", "privacy"} & set(item["topics"]) for item in payload["items"])
