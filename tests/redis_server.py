"""A redis-server of the test's own, on a free port, which the test may stop and start again
(shared by the fault tests and the Redis-outage test)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tests.conftest import _free_port


def wait_until(condition, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class RedisServer:
    """``redis-server`` on 127.0.0.1 and a free port. Nothing is saved on its own; a test that
    wants its data back after a restart calls ``save()`` first (the server loads the dump file
    of its folder when it starts)."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(self.answers, 10), "redis-server did not start"

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=0.5)

    def answers(self) -> bool:
        import redis

        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def save(self) -> None:
        self.client().save()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def broker_connections_forget(app) -> None:
    """Drop the Celery app's broker connection pools: they were made for the broker URL of
    their time (a test that pointed the app at a Redis of its own closes them as it ends).
    The next task sent or consumed opens fresh ones."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps every pool in a registry keyed by connection, and gives the closed one back
    # for the same URL unless the registry is emptied too.
    pools.reset()
