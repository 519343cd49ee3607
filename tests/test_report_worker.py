"""A REAL Celery worker (prefork, queues pesanti + default) builds a report end to end from Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from alternanza.report import servizi
from alternanza.report.models import ReportJob, StatoJob, TipoReport
from tests.factories_report import ANNO, dati_piccoli

RADICE = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _database_url() -> str:
    """The TEST database of this run (test_<name>), whatever DATABASE_URL the suite was started with."""
    d = connection.settings_dict
    credenziali = quote(d["USER"] or "")
    if d.get("PASSWORD"):
        credenziali += ":" + quote(d["PASSWORD"])
    return f"postgres://{credenziali}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


@pytest.fixture
def worker(tmp_path, monkeypatch):
    """`celery -A alternanza worker -Q pesanti,default --concurrency 1 --pool prefork` on the test DB."""
    from alternanza.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # only our Redis db: no task left over by an earlier run
    ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
    ambiente.update(
        {
            "DJANGO_SETTINGS_MODULE": "alternanza.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "WARNING",
        }
    )
    log = tmp_path / "worker.log"
    with open(log, "ab") as uscita:
        processo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "alternanza",
                "worker",
                "-Q",
                "pesanti,default",
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
                f"report-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],  # fmt: skip
            cwd=RADICE,
            env=ambiente,
            stdout=uscita,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield processo, log
    finally:
        if processo.poll() is None:
            os.killpg(processo.pid, signal.SIGTERM)
            try:
                processo.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(processo.pid, signal.SIGKILL)
                processo.wait(timeout=10)


def test_worker_reale_produce_il_report_dalla_coda_pesanti(worker):
    processo, log = worker
    dati_piccoli()
    job = servizi.richiedi(TipoReport.METROPOLITANO, ANNO)  # autocommit: dispatched at once
    job.refresh_from_db()
    assert job.task_id  # the broker (Redis) took the message
    visti = set()
    limite = time.monotonic() + 120
    while time.monotonic() < limite:
        job.refresh_from_db()
        visti.add(job.stato)
        if job.finito:
            break
        if processo.poll() is not None:
            pytest.fail(f"the worker exited: {log.read_text()[-3000:]}")
        time.sleep(0.2)
    else:
        pytest.fail(f"timeout waiting for the report (state {job.stato}): {log.read_text()[-3000:]}")
    assert job.stato == StatoJob.COMPLETATO, job.errore
    assert job.progresso == 100 and job.tentativi == 1
    assert job.pagine >= 8
    assert job.heartbeat_il is not None and job.avviato_il <= job.completato_il
    with job.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert job.allegato
    assert ReportJob.objects.count() == 1
