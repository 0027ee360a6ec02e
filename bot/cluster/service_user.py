"""The unprivileged system user `jep` that PostgreSQL, Redis and HAProxy run as when we are root.

PostgreSQL refuses to run as root, and none of the three needs root: started by root they run as
`jep`, with their data owned by it. Started by anyone else they run as that user.
setpriv (util-linux, like runuser) changes user and then execs the server itself: runuser would stay
in between as a watching parent that SIGKILLs its child 2 s after a SIGTERM, cutting a shutdown short.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

NAME = "jep"


def ensure() -> str | None:
    """The user the servers run as: `jep` (created if missing) when we are root, else None (ourselves)."""
    if os.geteuid() != 0:
        return None
    if not _exists():
        created = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NAME],
            capture_output=True,
            text=True,
        )
        # Another process may have made it at the same moment; only a missing user is a failure.
        if created.returncode != 0 and not _exists():
            raise RuntimeError(f"systeemgebruiker {NAME} aanmaken mislukt: {created.stderr.strip()}")
    return NAME


def _exists() -> bool:
    try:
        pwd.getpwnam(NAME)
    except KeyError:
        return False
    return True


def command_as(user: str | None, command: list[str | Path]) -> list[str]:
    words = [str(word) for word in command]
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--", *words] if user else words


def hand_over(path: Path, user: str | None) -> None:
    """`path` (and what is in it) owned by `user`, so a server running as it may write there."""
    if user is None:
        return
    group = pwd.getpwnam(user).pw_gid
    shutil.chown(path, user, group)
    if path.is_dir():
        for inner in path.rglob("*"):
            shutil.chown(inner, user, group)


def check_reachable(directory: Path, user: str | None) -> None:
    """A clear error before a server fails obscurely: `user` must be able to enter `directory`'s parents."""
    if user is None:
        return
    probe = subprocess.run(command_as(user, ["test", "-x", directory]), capture_output=True)
    if probe.returncode != 0:
        raise RuntimeError(
            f"systeemgebruiker {user} kan niet bij {directory}; de bovenliggende mappen moeten voor "
            f"anderen doorzoekbaar zijn (chmod o+x), of kies een andere map"
        )
