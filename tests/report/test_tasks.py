"""A REAL Celery worker (prefork, queues pesanti + default) builds a report end to end from Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from alternanza.report import servizi
from alternanza.report.models import ReportJob, StatoJob, TipoReport
from tests.report.factories import ANNO, dati_piccoli
from tests.worker import avvia_worker, ferma_worker

RADICE = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _avvia(log: Path) -> subprocess.Popen:
    """`celery -A alternanza worker -Q pesanti,default --concurrency 1 --pool prefork` on the test DB."""
    return avvia_worker(log, "pesanti,default", "report")


_ferma = ferma_worker


@pytest.fixture
def broker_reale(monkeypatch, con_dati_delle_migrazioni):
    # con_dati_delle_migrazioni: an earlier transactional test may have flushed the districts.
    from alternanza.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # only our Redis db: no task left over by an earlier run
    return app


@pytest.fixture
def worker(tmp_path, broker_reale):
    log = tmp_path / "worker.log"
    processo = _avvia(log)
    try:
        yield processo, log
    finally:
        _ferma(processo)


def _attendi(condizione, secondi: float, descrizione: str, log: Path):
    limite = time.monotonic() + secondi
    while time.monotonic() < limite:
        if condizione():
            return
        time.sleep(0.05)
    pytest.fail(f"timeout waiting for {descrizione}: {log.read_text()[-3000:] if log.exists() else ''}")


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


def test_worker_ucciso_durante_la_generazione_il_job_viene_ripreso(tmp_path, broker_reale):
    """SIGKILL to the worker while it renders: the heartbeat stops, the watcher re-queues the job and a
    new worker completes it (never "in corso" forever)."""
    import datetime

    from django.utils import timezone

    dati_piccoli()
    log = tmp_path / "worker.log"
    primo = _avvia(log)
    try:
        job = servizi.richiedi(TipoReport.METROPOLITANO, ANNO)
        _attendi(
            lambda: ReportJob.objects.filter(pk=job.pk, stato=StatoJob.IN_CORSO).exists(),
            60,
            "the job to start",
            log,
        )
        os.killpg(primo.pid, signal.SIGKILL)  # the main process and its pool child die at once
        primo.wait(timeout=10)
    finally:
        _ferma(primo)
    job.refresh_from_db()
    assert job.stato == StatoJob.IN_CORSO and job.tentativi == 1
    # Nothing beats any more: three minutes later the watcher sees a stale heartbeat and re-queues it.
    dopo = timezone.now() + servizi.HEARTBEAT_SCADUTO + datetime.timedelta(seconds=30)
    assert servizi.sorveglia(adesso=dopo)["ripresi"] == 1
    job.refresh_from_db()
    assert job.stato == StatoJob.IN_CODA and job.task_id
    secondo = _avvia(log)
    try:
        _attendi(lambda: ReportJob.objects.get(pk=job.pk).finito, 120, "the job to finish", log)
    finally:
        _ferma(secondo)
    job.refresh_from_db()
    assert job.stato == StatoJob.COMPLETATO, job.errore
    assert job.tentativi == 2
    with job.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
