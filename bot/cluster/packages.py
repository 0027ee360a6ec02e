"""The Debian packages the cluster needs, installed with apt-get when they are missing.

As root we install them ourselves; anyone else gets the exact command to run.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.config import child_process_environment

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = Path("/usr/bin/redis-server")
HAPROXY = Path("/usr/sbin/haproxy")

# Each package, and the program that shows it is there.
PACKAGES = {"postgresql-15": POSTGRES_BIN / "initdb", "redis-server": REDIS_SERVER, "haproxy": HAPROXY}


class PackagesUnavailable(RuntimeError):
    """A package is missing and could not be installed; the message says what to do."""


def missing(packages: Iterable[str] = PACKAGES) -> list[str]:
    return [name for name in packages if not PACKAGES[name].exists()]


def ensure_installed(packages: Iterable[str] = PACKAGES, say: Callable[[str], None] = print) -> None:
    lacking = missing(packages)
    if not lacking:
        return
    command = f"apt-get update && apt-get install -y {' '.join(lacking)}"
    if os.geteuid() != 0:
        raise PackagesUnavailable(f"{', '.join(lacking)} ontbreekt; installeer het met: sudo sh -c '{command}'")
    environment = child_process_environment(DEBIAN_FRONTEND="noninteractive")
    say(f"  Debian-pakketten installeren: {', '.join(lacking)} (apt-get, kan enkele minuten duren)")
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *lacking]):
        result = subprocess.run(step, env=environment, capture_output=True, text=True)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise PackagesUnavailable(f"'{' '.join(step)}' mislukt: {' / '.join(tail)}")
    still = missing(lacking)
    if still:
        raise PackagesUnavailable(f"{', '.join(still)} na installatie nog niet gevonden ({command})")
    say(f"  {', '.join(lacking)} geïnstalleerd")
