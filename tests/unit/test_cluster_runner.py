"""What each of the cluster's processes is told: PostgreSQL and Redis for all, a trusted proxy for the replicas."""

from __future__ import annotations

from pathlib import Path

from bot.cluster.layout import ClusterLayout, replica_ports
from bot.cluster.runner import Cluster, cluster_settings
from bot.config import load_settings

DB = "postgresql+psycopg2://jep:geheim@127.0.0.1:5433/jep"
TRACKER = "postgresql+psycopg2://jep:geheim@127.0.0.1:5433/jep_tracker"
REDIS = "redis://127.0.0.1:6380/0"


def _members(layout: ClusterLayout):
    settings = cluster_settings(load_settings(), DB, TRACKER, REDIS)
    return {member.service.name: member for member in Cluster(settings, layout, Path("m.tar.gz"), "t").members()}


def test_every_service_uses_postgres_and_redis():
    members = _members(ClusterLayout())
    assert set(members) == {"actieserver", "Rasa-replica 1", "Rasa-replica 2", "webapp", "HAProxy"}
    for member in members.values():
        assert member.env["JEP_DB_URL"] == DB
        assert member.env["JEP_TRACKER_DB_URL"] == TRACKER
        assert member.env["JEP_REDIS_URL"] == REDIS


def test_only_the_replicas_trust_haproxy_for_the_client_address():
    members = _members(ClusterLayout())
    assert members["Rasa-replica 1"].env["JEP_TRUSTED_PROXIES"] == "127.0.0.1"
    assert members["webapp"].env.get("JEP_TRUSTED_PROXIES", "") != "127.0.0.1"


def test_replicas_listen_on_their_own_ports_and_may_call_another_action_url():
    members = _members(
        ClusterLayout(replica_ports=replica_ports(3, first=6000), action_url="http://127.0.0.1:9/webhook")
    )
    command = members["Rasa-replica 3"].service.command
    assert command[command.index("--port") + 1] == "6002"
    assert members["Rasa-replica 3"].env["JEP_ACTION_URL"] == "http://127.0.0.1:9/webhook"
    assert members["actieserver"].env["JEP_ACTION_URL"] != "http://127.0.0.1:9/webhook"


def test_all_share_one_set_of_tokens():
    members = _members(ClusterLayout())
    for token in ("JEP_ACTION_TOKEN", "JEP_RELAY_TOKEN", "JEP_SESSION_SECRET"):
        assert len({member.env[token] for member in members.values()}) == 1
