"""`python -m bot cluster`: everything on PostgreSQL and Redis, with Rasa replicas behind HAProxy."""

from __future__ import annotations

from bot.config import Settings


def run(args, settings: Settings) -> int:
    from bot.cluster.runner import run as run_cluster  # psycopg2, redis and the runner: only when it runs

    return run_cluster(settings, args.replicas)
