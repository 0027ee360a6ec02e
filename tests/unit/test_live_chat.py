"""An advisor's part in a live chat: a reply goes only to a claimed live chat, closing hands it back."""
import pytest
from sqlalchemy import create_engine

from bot.advisors.canned_replies import CannedReplies
from bot.advisors.live_chat import LiveChat, NothingToSay
from bot.escalation.hours import OfficeHours
from bot.escalation.lifecycle import NotHolder, TransitionError
from bot.escalation.service import EscalationService
from tests.unit.test_inbox import add


class Relay:
    """Records what would reach the professional's chat."""

    def __init__(self):
        self.said, self.handed_back = [], []

    def say(self, conversation_id: str, text: str) -> None:
        self.said.append((conversation_id, text))

    def hand_back(self, conversation_id: str) -> None:
        self.handed_back.append(conversation_id)


@pytest.fixture
def chat(factory, tmp_path):
    hours = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")
    escalation = EscalationService(factory, hours, create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True))
    return LiveChat(escalation, Relay(), CannedReplies(factory))


def test_a_reply_goes_only_to_a_claimed_live_chat_of_its_holder(chat, factory):
    add(factory, "E-1", "user_request", 5, mode_live=True)
    add(factory, "E-2", "user_request", 5, status="claimed", claimed_by="anna")
    add(factory, "E-3", "user_request", 5, status="claimed", claimed_by="anna", mode_live=True)
    with pytest.raises(TransitionError):
        chat.reply("E-1", "anna", "Hallo")  # not claimed yet
    with pytest.raises(TransitionError):
        chat.reply("E-2", "anna", "Hallo")  # not a live chat
    with pytest.raises(NotHolder):
        chat.reply("E-3", "bram", "Hallo")
    with pytest.raises(NothingToSay):
        chat.reply("E-3", "anna", "   ")
    chat.reply("E-3", "bram", " Hallo ", lead=True)
    assert chat.relay.said == [("gesprek-E-3", "Hallo")]


def test_a_canned_reply_is_sent_by_its_number(chat, factory):
    add(factory, "E-1", "user_request", 5, status="claimed", claimed_by="anna", mode_live=True)
    chat.canned.save("Groet", "Goedemiddag, u spreekt met de Advieslijn.", "lotte")
    number = chat.canned.all()[0]["id"]
    chat.reply("E-1", "anna", "", canned=str(number))
    assert chat.relay.said == [("gesprek-E-1", "Goedemiddag, u spreekt met de Advieslijn.")]


def test_closing_a_live_chat_hands_it_back_and_closing_another_does_not(chat, factory):
    add(factory, "E-1", "user_request", 5, status="claimed", claimed_by="anna", mode_live=True)
    add(factory, "E-2", "user_request", 5, status="claimed", claimed_by="anna")
    chat.close("E-1", "anna")
    chat.close("E-2", "anna")
    assert chat.relay.handed_back == ["gesprek-E-1"]
    assert chat.escalation.get("E-1")["status"] == "closed"
