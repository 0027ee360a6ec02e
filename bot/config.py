"""Every setting of the assistant, read from the environment in one place.

Each variable has an embedded default so that `make run` works on a fresh
machine; README.md lists them all.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Written by `make run` (mode 0600) so that `python -m bot model ...` can reach Rasa's HTTP API.
RASA_TOKEN_FILE = ROOT / "var" / "rasa.token"
# Signs the web chat's resume tokens when JEP_SESSION_SECRET is not set. Kept (mode 0600) so that
# every service on this machine signs alike and a restart does not end the open conversations.
SESSION_SECRET_FILE = ROOT / "var" / "session.secret"


def _kept_secret(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)  # atomic: a service starting at the same moment keeps its own or ours, whole
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    db_url: str
    tracker_db_url: str
    knowledge_dir: Path
    models_dir: Path
    host: str
    web_port: int
    rasa_port: int
    action_port: int
    office_days: str
    office_hours: str
    timezone: str
    allowed_origins: tuple[str, ...]
    retention_days: int
    messages_per_minute: int
    escalation_webhook: str
    public_url: str
    escalation_retention_days: int
    vector_cache: Path
    trusted_proxies: tuple[str, ...] = ()
    address_messages_per_minute: int = 200
    session_secret: str = field(default_factory=lambda: _kept_secret(SESSION_SECRET_FILE), repr=False)
    sla_callback_hours: float = 8.0
    sla_phone_hours: float = 8.0
    sla_live_minutes: float = 2.0
    sla_acute_minutes: float = 0.0
    callback_retry_minutes: int = 60
    # Shared with the Rasa server's web chat (relay), the action server and Rasa's HTTP API;
    # `make run` makes them anew (Rasa's: else the one it wrote to RASA_TOKEN_FILE).
    relay_token: str = field(default="", repr=False)
    action_token: str = field(default="", repr=False)
    rasa_token: str = field(default="", repr=False)
    # Empty: one process of each kind, locks, limits and socket.io rooms in memory (`make run`).
    # Set (`make cluster`): Rasa replicas share them through this Redis.
    redis_url: str = field(default="", repr=False)
    db_pool_size: int = 5  # connections per process and database (PostgreSQL); SQLite keeps its own pool
    lock_lifetime: float = 30.0  # seconds a conversation's lock lives when its holder dies
    # Where the web app and the CLI reach Rasa when not at host:port (a load balancer), where browsers
    # reach it (behind TLS), and each replica behind the balancer, so that a model swap reaches all.
    rasa_address: str = ""
    public_rasa_address: str = ""
    rasa_replica_urls: tuple[str, ...] = ()

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return self.rasa_address or f"http://{self.host}:{self.rasa_port}"

    @property
    def public_rasa_url(self) -> str:
        return self.public_rasa_address or self.rasa_url

    @property
    def rasa_servers(self) -> tuple[str, ...]:
        """Every Rasa server that must load a model: the replicas, or the one server."""
        return self.rasa_replica_urls or (self.rasa_url,)

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"


def load_settings() -> Settings:
    var = ROOT / "var"
    host = _env("JEP_HOST", "localhost")
    web_port = int(_env("JEP_WEB_PORT", "8000"))
    own_origins = f"http://localhost:{web_port},http://127.0.0.1:{web_port}"
    per_minute = int(_env("JEP_MESSAGES_PER_MINUTE", "20"))
    return Settings(
        db_url=_env("JEP_DB_URL", _sqlite_url(var / "jep.db")),
        tracker_db_url=_env("JEP_TRACKER_DB_URL", _sqlite_url(var / "tracker.db")),
        knowledge_dir=Path(_env("JEP_KNOWLEDGE_DIR", str(ROOT / "knowledge"))),
        models_dir=Path(_env("JEP_MODELS_DIR", str(ROOT / "models"))),
        host=host,
        web_port=web_port,
        rasa_port=int(_env("JEP_RASA_PORT", "5005")),
        action_port=int(_env("JEP_ACTION_PORT", "5055")),
        office_days=_env("JEP_OFFICE_DAYS", "1-5"),
        office_hours=_env("JEP_OFFICE_HOURS", "09:00-17:00"),
        timezone=_env("JEP_TIMEZONE", "Europe/Amsterdam"),
        retention_days=int(_env("JEP_RETENTION_DAYS", "30")),
        messages_per_minute=per_minute,
        escalation_webhook=_env("JEP_ESCALATION_WEBHOOK", ""),
        public_url=_env("JEP_PUBLIC_URL", f"http://{host}:{web_port}"),
        escalation_retention_days=int(_env("JEP_ESCALATION_RETENTION_DAYS", "90")),
        vector_cache=Path(_env("JEP_VECTOR_CACHE", str(var / "cache" / "passage-vectors.sqlite"))),
        allowed_origins=_list(_env("JEP_ALLOWED_ORIGINS", own_origins)),
        trusted_proxies=_list(_env("JEP_TRUSTED_PROXIES", "")),
        # One address may be a whole office behind one router.
        address_messages_per_minute=int(_env("JEP_ADDRESS_MESSAGES_PER_MINUTE", str(10 * per_minute))),
        session_secret=os.environ.get("JEP_SESSION_SECRET", "").strip() or _kept_secret(SESSION_SECRET_FILE),
        sla_callback_hours=float(_env("JEP_SLA_CALLBACK_HOURS", "8")),
        sla_phone_hours=float(_env("JEP_SLA_PHONE_HOURS", "8")),
        sla_live_minutes=float(_env("JEP_SLA_LIVE_MINUTES", "2")),
        sla_acute_minutes=float(_env("JEP_SLA_ACUTE_MINUTES", "0")),
        callback_retry_minutes=int(_env("JEP_CALLBACK_RETRY_MINUTES", "60")),
        relay_token=_env("JEP_RELAY_TOKEN", ""),
        action_token=_env("JEP_ACTION_TOKEN", ""),
        rasa_token=_env("JEP_RASA_TOKEN", ""),
        redis_url=_env("JEP_REDIS_URL", ""),
        db_pool_size=int(_env("JEP_DB_POOL_SIZE", "5")),
        lock_lifetime=float(_env("JEP_LOCK_LIFETIME", "30")),
        rasa_address=_env("JEP_RASA_URL", "").rstrip("/"),
        public_rasa_address=_env("JEP_PUBLIC_RASA_URL", "").rstrip("/"),
        rasa_replica_urls=tuple(url.rstrip("/") for url in _list(_env("JEP_RASA_REPLICA_URLS", ""))),
    )


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def child_process_environment(**values: str) -> dict[str, str]:
    """This process's environment with `values` on top, for a child process (a Rasa command, a retrain)."""
    return {**os.environ, **values}
