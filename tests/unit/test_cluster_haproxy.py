"""The load balancer's configuration: sticky sessions, websockets, fast failover, and HAProxy accepts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cluster import haproxy
from bot.cluster.packages import HAPROXY

CONFIG = haproxy.config_text("localhost", 5005, "127.0.0.1", (5006, 5007), 8404, Path("/srv/jep/admin.sock"))


def test_front_balances_the_replicas_with_a_session_cookie():
    assert "    bind localhost:5005\n" in CONFIG
    assert "    server rasa1 127.0.0.1:5006 check cookie rasa1\n" in CONFIG
    assert "    server rasa2 127.0.0.1:5007 check cookie rasa2\n" in CONFIG
    assert "    cookie JEPRASA insert indirect nocache httponly\n" in CONFIG


def test_a_dead_replica_is_out_within_two_seconds_and_unsent_requests_go_elsewhere():
    assert "    option httpchk GET /webhooks/rest/\n" in CONFIG
    assert "    default-server inter 1s fall 2 rise 2\n" in CONFIG
    assert "    option redispatch\n" in CONFIG
    assert "    retries 2\n" in CONFIG


def test_websockets_stay_open_and_replicas_learn_the_client_address():
    assert "    timeout tunnel 1h\n" in CONFIG
    assert "    option forwardfor\n" in CONFIG


def test_stats_page_only_when_asked():
    assert "listen stats" in CONFIG
    assert "listen stats" not in haproxy.config_text("localhost", 5005, "127.0.0.1", (5006,), None)


def test_an_admin_socket_for_its_own_user_only_when_asked():
    assert "    stats socket /srv/jep/admin.sock mode 600 level admin\n" in CONFIG
    assert "stats socket" not in haproxy.config_text("localhost", 5005, "127.0.0.1", (5006,), None)


@pytest.mark.skipif(not HAPROXY.exists(), reason="HAProxy niet geïnstalleerd")
def test_haproxy_accepts_the_configuration(tmp_path):
    config = haproxy.write_config(tmp_path / "haproxy.cfg", CONFIG)
    assert "Configuration file is valid" in haproxy.check(config)


@pytest.mark.skipif(not HAPROXY.exists(), reason="HAProxy niet geïnstalleerd")
def test_haproxy_refuses_a_broken_configuration(tmp_path):
    config = haproxy.write_config(tmp_path / "haproxy.cfg", CONFIG.replace("balance leastconn", "balance nergens"))
    with pytest.raises(ValueError, match="ongeldig"):
        haproxy.check(config)
