"""Celery beat runs its schedule once however many are started (issue 19, several nodes): two real beat
processes on a Redis of the test's own; the first holds the lock (celery-redbeat) and publishes the
schedule, the second waits; when the first is killed (its lock left behind) the second takes over after
the lock's expiry, without publishing again what the first already did."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.worker import RADICE, url_database_di_test

pytestmark = [pytest.mark.worker, pytest.mark.django_db]

INTERVALLO = 1  # CELERY_BEAT_MAX_INTERVAL of the test: the lock expires after 5 s


def _beat(log: Path, redis_url: str, nome: str) -> subprocess.Popen:
    ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
    ambiente.update(
        {
            "DJANGO_SETTINGS_MODULE": "alternanza.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "DATABASE_URL": url_database_di_test(),
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BEAT_MAX_INTERVAL": str(INTERVALLO),
        }
    )
    with open(log, "ab") as uscita:
        return subprocess.Popen(  # noqa: S603 - our own beat
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "alternanza",
                "beat",
                "-l",
                "INFO",
                f"--pidfile={log.with_suffix('.pid')}",
                f"--schedule={log.with_suffix('.db')}",
            ],  # fmt: skip
            cwd=RADICE,
            env=ambiente,
            stdout=uscita,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _pubblicati(url: str) -> list[str]:
    client = redis.Redis.from_url(url)
    nomi = []
    for coda in ("default", "pesanti"):
        nomi += [json.loads(m)["headers"]["task"] for m in client.lrange(coda, 0, -1)]
    return sorted(nomi)


def _attendi(condizione, secondi: float, descrizione: str, *logs: Path) -> None:
    limite = time.monotonic() + secondi
    while time.monotonic() < limite:
        if condizione():
            return
        time.sleep(0.2)
    pytest.fail(f"timeout: {descrizione}\n" + "\n".join(p.read_text()[-2000:] for p in logs if p.exists()))


def test_due_beat_il_programma_parte_una_volta_e_il_secondo_subentra(tmp_path):
    from tests.redis_proprio import RedisProprio

    proprio = RedisProprio()
    proprio.avvia()
    log_a, log_b = tmp_path / "beat-a.log", tmp_path / "beat-b.log"
    processi: list[subprocess.Popen] = []
    try:
        processi.append(_beat(log_a, proprio.url, "a"))
        _attendi(lambda: "Acquired lock" in log_a.read_text(), 60, "the first beat takes the lock", log_a)
        processi.append(_beat(log_b, proprio.url, "b"))
        _attendi(lambda: "beat: Starting" in log_b.read_text(), 60, "the second beat starts", log_b)
        # The per-minute entries fall due once a minute after the start: one message each, not two.
        _attendi(lambda: "pagine.battito" in _pubblicati(proprio.url), 90, "a heartbeat", log_a, log_b)
        time.sleep(3 * INTERVALLO)
        pubblicati = _pubblicati(proprio.url)
        assert pubblicati.count("pagine.battito") == 1, pubblicati
        assert pubblicati.count("core.spedisci_in_attesa") == 1, pubblicati
        assert "Acquired lock" not in log_b.read_text()  # it waits on the lock

        os.killpg(processi[0].pid, signal.SIGKILL)  # dies holding the lock
        processi[0].wait(timeout=10)
        _attendi(lambda: "Acquired lock" in log_b.read_text(), 30, "the second beat takes over", log_b)
        time.sleep(3 * INTERVALLO)
        # It goes on from the schedule's state in Redis: what the first published is not due again yet.
        assert _pubblicati(proprio.url) == pubblicati
    finally:
        for processo in processi:
            if processo.poll() is None:
                os.killpg(processo.pid, signal.SIGTERM)
                processo.wait(timeout=20)
        proprio.chiudi()
