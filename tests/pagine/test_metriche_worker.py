"""/metriche shows the workers' side (issue 19): tasks finished by state on a REAL worker (a success, a
failure, a retry), the messages waiting on each queue and the outbox, read at scrape time from Redis and
the database, so one scraper sees every node."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from alternanza.celery import app as celery_app
from alternanza.core.models import CompitoInAttesa
from alternanza.core.osservabilita import CHIAVE_TASK, redis_del_broker
from alternanza.pagine.tasks import battito
from eventi import workflow
from eventi.models import StatoEvento
from tests.eventi.factories import EventoFactory
from tests.worker import avvia_worker, ferma_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TOKEN = "token-di-prova-metriche-worker"


def _metriche(client) -> dict[str, float]:
    risposta = client.get(reverse("metriche"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert risposta.status_code == 200
    campioni = {}
    for riga in risposta.content.decode().splitlines():
        if riga and not riga.startswith("#"):
            nome, valore = riga.rsplit(" ", 1)
            campioni[nome] = float(valore)
    return campioni


@pytest.fixture
def broker_reale(monkeypatch, settings, con_dati_delle_migrazioni):
    settings.METRICS_TOKEN = TOKEN
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    redis_del_broker().flushdb()  # only our Redis db: no message or count left by an earlier run
    return redis_del_broker()


def test_le_metriche_contano_code_e_task_riusciti_falliti_e_ritentati_dal_worker(
    client, tmp_path, broker_reale, staff, referente_a
):
    CompitoInAttesa.objects.create(task="pagine.battito")  # the broker refused it earlier
    battito.delay()
    celery_app.send_task("pagine.battito", args=[1, 2])  # a wrong call: the task fails (TypeError)
    evento = EventoFactory(stato=StatoEvento.PROPOSTO, proposto_da=referente_a)
    workflow.esegui(evento, "approva", staff)  # a mail to the proposer
    prima = _metriche(client)
    assert prima['portale_coda_messaggi{coda="default"}'] == 3
    assert prima['portale_coda_messaggi{coda="pesanti"}'] == 0
    assert prima["portale_compiti_in_attesa"] == 1
    assert prima["portale_broker_raggiungibile"] == 1
    assert not any(nome.startswith("portale_task_total") for nome in prima)

    log = tmp_path / "worker.log"
    # The SMTP server is away: the decision mail fails with a connection error and is retried later.
    processo = avvia_worker(log, "default", "metriche", EMAIL_URL="smtp://127.0.0.1:1")
    try:
        attesi = {
            'portale_task_total{stato="SUCCESS",task="pagine.battito"}': 1,
            'portale_task_total{stato="FAILURE",task="pagine.battito"}': 1,
            'portale_task_total{stato="RETRY",task="eventi.notifica_decisione"}': 1,
        }
        limite = time.monotonic() + 90
        while time.monotonic() < limite:
            campioni = _metriche(client)
            if all(campioni.get(nome) == valore for nome, valore in attesi.items()):
                break
            assert processo.poll() is None, log.read_text()[-3000:]
            time.sleep(0.3)
        else:
            pytest.fail(f"metriche del worker mancanti: {campioni} {log.read_text()[-3000:]}")
        assert campioni['portale_coda_messaggi{coda="default"}'] == 0  # taken (the retry waits its countdown)
    finally:
        ferma_worker(processo)
    assert broker_reale.hgetall(CHIAVE_TASK)


def test_con_redis_fermo_le_metriche_rispondono_e_lo_dicono(client, settings, monkeypatch):
    settings.METRICS_TOKEN = TOKEN
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens there
    inizio = time.monotonic()
    campioni = _metriche(client)
    assert time.monotonic() - inizio < 3
    assert campioni["portale_broker_raggiungibile"] == 0
    assert "portale_compiti_in_attesa" in campioni
