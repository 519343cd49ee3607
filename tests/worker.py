"""Helpers of the tests that start a real Celery worker (marked `worker`) in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

RADICE = Path(__file__).resolve().parents[1]


def url_database_di_test() -> str:
    """The TEST database of this run (test_<name>), whatever DATABASE_URL the suite was started with:
    the worker process must read and write the rows the test sees."""
    d = connection.settings_dict
    credenziali = quote(d["USER"] or "")
    if d.get("PASSWORD"):
        credenziali += ":" + quote(d["PASSWORD"])
    return f"postgres://{credenziali}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def avvia_worker(log: Path, code: str, nome: str, **ambiente_extra: str) -> subprocess.Popen:
    """`celery -A alternanza worker -Q <code> --concurrency 1 --pool prefork` on the test database and
    the suite's Redis, in a process group of its own (stopped with `ferma_worker`)."""
    from alternanza.core.archivi import privato

    ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
    ambiente.update(
        {
            "DJANGO_SETTINGS_MODULE": "alternanza.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "DATABASE_URL": url_database_di_test(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "MEDIA_PRIVATI_ROOT": str(privato.location),  # where this process reads private files from
            "LOG_LEVEL": "WARNING",
            **ambiente_extra,
        }
    )
    with open(log, "ab") as uscita:
        return subprocess.Popen(  # noqa: S603 - our own worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "alternanza",
                "worker",
                "-Q",
                code,
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "-l",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{nome}-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],  # fmt: skip
            cwd=RADICE,
            env=ambiente,
            stdout=uscita,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def ferma_worker(processo: subprocess.Popen) -> None:
    if processo.poll() is None:
        os.killpg(processo.pid, signal.SIGTERM)
        try:
            processo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(processo.pid, signal.SIGKILL)
            processo.wait(timeout=10)
