"""A PostgreSQL 15 server of our own: its data in one directory, listening on 127.0.0.1 only.

initdb makes the data directory once, with password (scram-sha-256) login for the role `jep` and a
generated password kept next to it (mode 0600). pg_ctl starts and stops it; the unix socket stays
inside the data directory, so nothing is needed under /var/run.
"""

from __future__ import annotations

import os
import secrets
import shlex
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from bot.cluster.packages import POSTGRES_BIN
from bot.cluster.service_user import check_reachable, command_as, hand_over

ROLE = "jep"
START_TIMEOUT = 60


class PostgresFailed(RuntimeError):
    pass


@dataclass
class PostgresServer:
    data_dir: Path
    port: int
    log: Path
    user: str | None = None  # the system user it runs as; None: the current one
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        # The server runs elsewhere than here (pg_ctl changes directory): only absolute paths.
        self.data_dir, self.log = self.data_dir.resolve(), self.log.resolve()

    @property
    def password_file(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.password"

    def password(self) -> str:
        return self.password_file.read_text(encoding="utf-8").strip()

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server."""
        return f"postgresql+psycopg2://{ROLE}:{quote(self.password(), safe='')}@{self.host}:{self.port}/{database}"

    def initialise(self) -> None:
        """A new data directory, unless there is one already (then its data and password are kept)."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        if not self.password_file.exists():
            _write_private(self.password_file, secrets.token_urlsafe(24))
        hand_over(self.data_dir, self.user)
        hand_over(self.password_file, self.user)  # initdb, running as the user, reads it
        check_reachable(self.data_dir, self.user)
        command = [
            POSTGRES_BIN / "initdb",
            "--pgdata", self.data_dir,
            "--username", ROLE,
            "--auth", "scram-sha-256",
            "--pwfile", self.password_file,
            "--encoding", "UTF8",
            "--no-locale",
        ]  # fmt: skip
        self._run(command, "initdb")

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.touch()
        hand_over(self.log, self.user)
        options = " ".join(
            shlex.quote(option)
            for option in (
                "-c", f"listen_addresses={self.host}",
                "-c", f"port={self.port}",
                "-c", f"unix_socket_directories={self.data_dir}",
                "-c", "fsync=on",
            )
        )  # fmt: skip
        command = [POSTGRES_BIN / "pg_ctl", "--pgdata", self.data_dir, "--log", self.log,
                   "--wait", "--timeout", str(START_TIMEOUT), "--options", options, "start"]  # fmt: skip
        self._run(command, "starten")

    def stop(self) -> None:
        if self.running():
            command = [POSTGRES_BIN / "pg_ctl", "--pgdata", self.data_dir, "--mode", "fast", "--wait", "stop"]
            self._run(command, "stoppen")

    def running(self) -> bool:
        status = subprocess.run(
            command_as(self.user, [POSTGRES_BIN / "pg_ctl", "--pgdata", self.data_dir, "status"]), capture_output=True
        )
        return status.returncode == 0

    def create_database(self, name: str) -> str:
        """A fresh, empty database `name` (an old one of that name is dropped); its URL."""
        return create_database(self.url("postgres"), name)

    def ensure_database(self, name: str) -> str:
        """Database `name`, made if missing and kept if there; its URL."""
        return ensure_database(self.url("postgres"), name)

    def _run(self, command: list, what: str) -> None:
        result = subprocess.run(command_as(self.user, command), capture_output=True, text=True)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise PostgresFailed(f"PostgreSQL {what} mislukt: {' / '.join(detail)}; zie ook {self.log}")


def create_database(admin_url: str, name: str) -> str:
    """On the server of `admin_url`: database `name` made anew; its URL."""
    with _autocommit(admin_url) as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(admin_url, name)


def ensure_database(admin_url: str, name: str) -> str:
    with _autocommit(admin_url) as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(admin_url, name)


def database_url(url: str, database: str) -> str:
    """`url` pointing at another database on the same server, with the psycopg2 driver named."""
    parsed = make_url(url).set(drivername="postgresql+psycopg2", database=database)
    return parsed.render_as_string(hide_password=False)


@contextmanager
def _autocommit(url: str) -> Iterator:
    """A cursor outside a transaction: CREATE and DROP DATABASE refuse to run inside one."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg2.connect(dsn, connect_timeout=10)
    try:
        connection.autocommit = True
        yield connection.cursor()
    finally:
        connection.close()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
