"""A redis-server of the test's own, on a free port, that a test may stop, freeze and bring back.

The portal's cache (and, with `come_broker`, Celery's broker) points at it, so an outage hits only the
test that causes it and never the Redis the rest of the suite shares.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time

import pytest

from alternanza.core import cache_backend


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisProprio:
    def __init__(self) -> None:
        self.porta = porta_libera()
        self.url = f"redis://127.0.0.1:{self.porta}/0"
        self.processo: subprocess.Popen | None = None

    def avvia(self) -> None:
        self.processo = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.porta),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        limite = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.porta), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > limite:
                    self.processo.kill()
                    raise
                time.sleep(0.05)

    def ferma(self) -> None:
        """A stopped Redis: connections refused."""
        assert self.processo is not None
        self.processo.terminate()
        self.processo.wait(timeout=10)

    def congela(self) -> None:
        """A frozen Redis (SIGSTOP): connections accepted by the kernel, never answered."""
        assert self.processo is not None
        self.processo.send_signal(signal.SIGSTOP)

    def scongela(self) -> None:
        assert self.processo is not None
        self.processo.send_signal(signal.SIGCONT)

    def chiudi(self) -> None:
        if self.processo is not None and self.processo.poll() is None:
            self.processo.send_signal(signal.SIGCONT)
            self.processo.kill()
            self.processo.wait(timeout=10)


@pytest.fixture
def redis_proprio(settings, monkeypatch):
    """The cache on a Redis of the test's own; `.processo` is its redis-server."""
    redis = RedisProprio()
    redis.avvia()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "alternanza.core.cache_backend.FailOpenRedisCache",
            "LOCATION": redis.url,
            "KEY_PREFIX": "test-guasti",
        }
    }
    monkeypatch.setattr(cache_backend, "PAUSA", 1.0)
    cache_backend._Stato.assente_fino = 0.0
    yield redis
    redis.chiudi()
    cache_backend._Stato.assente_fino = 0.0
