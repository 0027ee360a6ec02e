"""The faster check of action-server replies gives exactly Rasa's own verdicts."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.rasa_plugins  # noqa: F401  (installs the check, as Rasa's import does)
from bot.rasa_plugins.action_replies import validate_action_result

VALID = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "topic", "value": "online", "timestamp": None},
            {"event": "followup", "name": "callback_form"},
            {"event": "pause"},
        ],
        "responses": [
            {"response": "utter_articles_intro", "custom": {"type": "articles", "items": []}},
            {"text": "Bel 112.", "buttons": [], "elements": [], "attachment": None, "image": None},
        ],
    },
]
INVALID = [
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"events": [{"event": "not_an_event"}]},
    {"events": "geen lijst"},
    {"events": [{"event": "user", "text": 5}]},
]


def rasa_verdict(result):
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
        return None
    except jsonschema.ValidationError as error:
        return error.message


def test_importing_the_plugins_installs_the_check():
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("result", VALID)
def test_valid_replies_pass(result):
    assert rasa_verdict(result) is None
    assert RemoteAction("action_search_knowledge", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_replies_raise_the_same_error_as_rasa(result):
    expected = rasa_verdict(result)
    assert expected is not None
    with pytest.raises(jsonschema.ValidationError) as raised:
        RemoteAction("action_search_knowledge", None)._validate_action_result(result)
    assert raised.value.message.startswith(expected + ". Failed to validate Action server response")
