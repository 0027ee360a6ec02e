"""A model swap reaches every replica of a cluster, one after the other, and says which refused."""

from __future__ import annotations

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.training.activation import load_into_server, served_model


def fake_rasa(status: int, seen: list[str]):
    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(f"{self.server.server_port} {body['model_file']}")
            self.send_response(status)
            self.end_headers()

        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(json.dumps({"model_file": "/elders/jep-a.tar.gz"}).encode())

        def log_message(self, *_args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def replicas():
    seen: list[str] = []
    servers = [fake_rasa(200, seen), fake_rasa(200, seen)]
    yield servers, seen
    for server in servers:
        server.shutdown()


def with_servers(tmp_path: Path, *urls: str):
    return dataclasses.replace(load_settings(), models_dir=tmp_path, rasa_token="t", rasa_replica_urls=urls)


def test_every_replica_loads_the_model(tmp_path, replicas):
    servers, seen = replicas
    model = tmp_path / "jep-b.tar.gz"
    model.write_bytes(b"")
    settings = with_servers(tmp_path, *(f"http://127.0.0.1:{s.server_port}" for s in servers))
    assert load_into_server(settings, model)
    assert seen == [f"{s.server_port} {model.resolve()}" for s in servers]


def test_a_replica_that_is_down_is_skipped_and_one_that_refuses_is_named(tmp_path, replicas):
    servers, seen = replicas
    model = tmp_path / "jep-b.tar.gz"
    model.write_bytes(b"")
    down = "http://127.0.0.1:9"  # discard port: nothing listens
    assert load_into_server(with_servers(tmp_path, down, f"http://127.0.0.1:{servers[1].server_port}"), model)
    refusing = fake_rasa(400, seen)
    try:
        url = f"http://127.0.0.1:{refusing.server_port}"
        with pytest.raises(RuntimeError, match=url):
            load_into_server(with_servers(tmp_path, url), model)
    finally:
        refusing.shutdown()
    assert not load_into_server(with_servers(tmp_path, down), model)


def test_the_served_model_comes_from_the_first_replica_that_answers(tmp_path, replicas):
    servers, _ = replicas
    (tmp_path / "jep-a.tar.gz").write_bytes(b"")
    settings = with_servers(tmp_path, "http://127.0.0.1:9", f"http://127.0.0.1:{servers[0].server_port}")
    assert served_model(settings) == tmp_path / "jep-a.tar.gz"


def test_one_server_without_replicas_is_the_rasa_url(monkeypatch):
    monkeypatch.setenv("JEP_RASA_URL", "http://balancer:5005/")
    monkeypatch.setenv("JEP_PUBLIC_RASA_URL", "https://chat.example.nl")
    settings = load_settings()
    assert settings.rasa_servers == ("http://balancer:5005",)
    assert settings.public_rasa_url == "https://chat.example.nl"
    monkeypatch.setenv("JEP_RASA_REPLICA_URLS", "http://a:5006, http://b:5007/")
    assert load_settings().rasa_servers == ("http://a:5006", "http://b:5007")
