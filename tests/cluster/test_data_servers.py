"""The two data servers the cluster tests stand on: real, reachable, and their data survives a restart."""

from __future__ import annotations

import redis
from sqlalchemy import create_engine, text


def test_redis_keeps_a_key_over_a_restart(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.set("jep:test:bewaard", "ja")
    client.close()
    redis_server.restart()
    client = redis.Redis.from_url(redis_server.url)
    assert client.get("jep:test:bewaard") == b"ja"
    client.close()


def test_postgres_gives_each_test_a_fresh_database(postgres_server):
    url = postgres_server.create_database("jep_test_vers")
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE proef (id integer)"))
        connection.execute(text("INSERT INTO proef VALUES (1)"))
    engine.dispose()
    engine = create_engine(postgres_server.create_database("jep_test_vers"), future=True)
    with engine.connect() as connection:
        tables = connection.execute(text("SELECT count(*) FROM pg_tables WHERE tablename = 'proef'")).scalar_one()
    engine.dispose()
    assert tables == 0


def test_postgres_comes_back_after_a_stop(postgres_server):
    url = postgres_server.create_database("jep_test_herstart")
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE proef (id integer)"))
        connection.execute(text("INSERT INTO proef VALUES (7)"))
    engine.dispose()
    postgres_server.stop()
    postgres_server.start()
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM proef")).scalar_one() == 7
    engine.dispose()
