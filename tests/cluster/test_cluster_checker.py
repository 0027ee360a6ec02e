"""The traffic checker itself: it finds a lost, a doubled and a misplaced message, and excuses only a resend."""

from __future__ import annotations

from tests.cluster.traffic import ANSWER, ERROR, NOT_STORED, REST, Attempt, Conversation, compare, script

TEXTS = script(7, 4)


class Sent:
    """A REST client's traces, enough for compare()."""

    channel, conversation = REST, "proef-1"


def conversation(*outcomes: tuple[int, str]) -> Conversation:
    """Attempts (turn, kind) in the order they were made."""
    talked = Conversation(7, Sent(), TEXTS)
    talked.attempts = [Attempt("proef-1", REST, turn, TEXTS[turn], 0.0, 0.1, kind) for turn, kind in outcomes]
    return talked


EVERY_TURN_ANSWERED = conversation((0, ANSWER), (1, ANSWER), (2, ANSWER), (3, ANSWER))


def test_every_message_stored_once_in_order_is_clean():
    assert compare(EVERY_TURN_ANSWERED, list(TEXTS)).clean


def test_an_answered_message_that_is_not_stored_is_lost():
    verdict = compare(EVERY_TURN_ANSWERED, [TEXTS[0], TEXTS[2], TEXTS[3]])
    assert verdict.lost == [TEXTS[1]] and not verdict.clean


def test_a_message_stored_twice_without_a_failed_request_is_a_duplicate():
    verdict = compare(EVERY_TURN_ANSWERED, [TEXTS[0], TEXTS[1], TEXTS[1], TEXTS[2], TEXTS[3]])
    assert verdict.twice == [TEXTS[1]] and verdict.resent_twice == []


def test_a_message_stored_before_its_request_failed_and_again_on_the_resend_is_counted_apart():
    resent = conversation((0, ANSWER), (1, ERROR), (1, ANSWER), (2, ANSWER), (3, ANSWER))
    verdict = compare(resent, [TEXTS[0], TEXTS[1], TEXTS[1], TEXTS[2], TEXTS[3]])
    assert verdict.resent_twice == [TEXTS[1]] and verdict.twice == [] and verdict.lost == []


def test_not_received_is_a_promise_that_nothing_was_stored():
    # The server said "niet ontvangen" yet kept the message: the resend makes a real duplicate.
    told = conversation((0, ANSWER), (1, NOT_STORED), (1, ANSWER), (2, ANSWER), (3, ANSWER))
    assert compare(told, [TEXTS[0], TEXTS[1], TEXTS[1], TEXTS[2], TEXTS[3]]).twice == [TEXTS[1]]
    assert compare(told, list(TEXTS)).clean


def test_messages_stored_in_another_order_than_sent_are_out_of_order():
    verdict = compare(EVERY_TURN_ANSWERED, [TEXTS[0], TEXTS[2], TEXTS[1], TEXTS[3]])
    assert verdict.out_of_order == [TEXTS[1]]


def test_a_turn_the_client_gave_up_on_is_unanswered_not_lost():
    gave_up = conversation((0, ANSWER), (1, ERROR), (1, ERROR))
    verdict = compare(gave_up, [TEXTS[0]])
    assert verdict.unanswered == [TEXTS[1]] and verdict.lost == [] and verdict.clean


def test_a_stored_text_nobody_sent_is_foreign():
    assert compare(EVERY_TURN_ANSWERED, [*TEXTS, "iets anders"]).foreign == ["iets anders"]
