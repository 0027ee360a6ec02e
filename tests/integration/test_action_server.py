"""The real action server refuses every caller without Rasa's shared token."""

import os
import subprocess

import pytest
import requests

from tests.integration.conftest import running

PORT = 15177
TOKEN = "proef-token-0123456789"
BODY = {
    "next_action": "action_tell_hours",
    "sender_id": "proef",
    "tracker": {"sender_id": "proef", "slots": {}, "latest_message": {}, "events": [], "paused": False},
    "domain": {},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = dict(os.environ, JEP_ACTION_PORT=str(PORT), JEP_ACTION_TOKEN=TOKEN, JEP_HOST="127.0.0.1",
               JEP_DB_URL=f"sqlite:///{tmp_path_factory.mktemp('acties') / 'jep.db'}")  # fmt: skip
    with running(["actions"], env, f"http://127.0.0.1:{PORT}", tmp_path_factory.mktemp("log") / "actions.log") as base:
        yield base


@pytest.mark.parametrize("params", [{}, {"token": "fout"}, {"token": ""}])
def test_calls_without_the_token_are_refused(server, params):
    assert requests.post(f"{server}/webhook", json=BODY, params=params, timeout=10).status_code == 401
    assert requests.get(f"{server}/actions", params=params, timeout=10).status_code == 401


def test_rasa_with_the_token_is_served(server):
    reply = requests.post(f"{server}/webhook", json=BODY, params={"token": TOKEN}, timeout=10)
    assert reply.status_code == 200
    assert reply.json()["responses"][0]["response"] in ("utter_hours_open", "utter_hours_closed")


def test_it_listens_on_localhost_only(server):
    out = subprocess.run(["ss", "-ltnH", f"sport = :{PORT}"], capture_output=True, text=True).stdout
    local_addresses = {line.split()[3] for line in out.splitlines()}
    assert local_addresses == {f"127.0.0.1:{PORT}"}
