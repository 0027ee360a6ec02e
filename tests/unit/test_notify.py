"""The escalation webhook, against a real local HTTP server."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bot.escalation.hours import OfficeHours
from bot.escalation.notify import Notifier
from bot.escalation.service import EscalationService
from bot.store import make_engine


@pytest.fixture
def receiver():
    received, statuses = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            status = statuses.pop(0) if statuses else 200
            if status == "hang":
                time.sleep(2)
                status = 200
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received, statuses
    server.shutdown()


def test_a_new_escalation_is_announced_without_message_text(receiver, factory):
    url, received, _ = receiver
    service = EscalationService(factory, OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam"),
                                make_engine("sqlite://"), notifier=Notifier(url, "http://localhost:8000"))  # fmt: skip
    ticket = service.escalate("gesprek-met-geheimen", reason="acute", topic="online")
    service.notifier.notify(ticket.ticket, "acute", "online").join(5)
    assert received[0] == {
        "event": "escalation.created",
        "ticket": ticket.ticket,
        "reason": "acute",
        "topic": "online",
        "inbox": f"http://localhost:8000/adviseurs/escalaties/{ticket.ticket}",
    }
    assert "gesprek-met-geheimen" not in json.dumps(received)


def test_a_failing_receiver_is_retried_with_backoff(receiver):
    url, received, statuses = receiver
    statuses.extend([500, 503])
    assert Notifier(url, "http://x", backoff=0.01).send({"ticket": "E-1"})
    assert len(received) == 3


def test_a_receiver_that_is_down_never_breaks_the_conversation(factory, caplog):
    notifier = Notifier("http://127.0.0.1:9/niemand", "http://x", attempts=2, backoff=0.01, timeout=0.5)
    service = EscalationService(factory, OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam"),
                                make_engine("sqlite://"), notifier=notifier)  # fmt: skip
    started = time.monotonic()
    ticket = service.escalate("g", reason="user_request")
    assert time.monotonic() - started < 0.5  # the reply does not wait for the webhook
    assert ticket.ticket
    assert notifier.send({"ticket": ticket.ticket}) is False
    assert "gave up" in caplog.text


def test_a_slow_receiver_times_out(receiver):
    url, received, statuses = receiver
    statuses.append("hang")
    started = time.monotonic()
    Notifier(url, "http://x", attempts=1, timeout=0.3).send({"ticket": "E-2"})
    assert time.monotonic() - started < 1.5
