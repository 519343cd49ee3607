"""Work queued while the broker is down is kept and sent when it is back (issue 22).

Cache and broker both on a Redis of the test's own (as in the deployment, one Redis serves both), really
publishing (not eager). With Redis stopped, then frozen, the requests that queue work — a newsletter
subscription (its confirmation mail), "Invia ora", a report request — answer normally; when Redis is
back, one run of core.spedisci_in_attesa (and the report watcher) puts each message on the queue exactly
once. The elapsed-time bounds are hang detectors, not speed targets.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import redis
from django.urls import reverse
from django.utils import timezone

from alternanza.celery import app as celery_app
from alternanza.core import compiti
from alternanza.core.models import CompitoInAttesa
from alternanza.report import servizi
from alternanza.report.models import ReportJob, StatoJob
from eventi.newsletter import consenso
from eventi.newsletter.models import Numero, StatoNumero
from tests.newsletter.factories import NumeroFactory

pytestmark = pytest.mark.django_db

SOGLIA_APPESA = 5.0  # seconds: a request stuck on a frozen socket would take 30 s and more


@pytest.fixture
def broker_proprio(redis_proprio, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_proprio.url)
    return redis_proprio


def _in_coda(url: str, coda: str = "default") -> list[str]:
    """The task names of the messages waiting on a queue of the broker."""
    return [json.loads(m)["headers"]["task"] for m in redis.Redis.from_url(url).lrange(coda, 0, -1)]


def _richieste(client, staff, numero) -> float:
    """The three requests that queue work, each answering normally; the slowest one's seconds."""
    tempi = []
    inizio = time.monotonic()
    risposta = client.post(
        reverse("newsletter:iscrizione"),
        {"email": "anna.rossi@example.org", "consenso": "on", "versione_consenso": consenso.VERSIONE},
    )
    tempi.append(time.monotonic() - inizio)
    assert risposta.status_code == 302, risposta.content[:300]
    client.force_login(staff)
    inizio = time.monotonic()
    risposta = client.post(reverse("newsletter:numero_invia", args=[numero.pk]), {"conferma": "1"})
    tempi.append(time.monotonic() - inizio)
    assert risposta.status_code == 302
    inizio = time.monotonic()
    risposta = client.post(reverse("report:nuovo"), {"tipo": "metropolitano", "anno_scolastico": "2025/26"})
    tempi.append(time.monotonic() - inizio)
    assert risposta.status_code == 302, risposta.content[:300]
    return max(tempi)


def _ritorno(broker) -> None:
    """Redis is back: the outbox and the report watcher send everything, once."""
    inviati = compiti.spedisci_in_attesa()
    assert not CompitoInAttesa.objects.exists()
    dopo = timezone.now() + timedelta(minutes=1)
    assert servizi.sorveglia(adesso=dopo)["inviati"] == 1
    assert sorted(_in_coda(broker.url)) == ["newsletter.avvia_invio", "newsletter.invia_conferma"]
    assert _in_coda(broker.url, "pesanti") == ["report.genera"]
    assert inviati == 2
    # A second run finds nothing to send: nothing doubled.
    assert compiti.spedisci_in_attesa() == 0
    assert servizi.sorveglia(adesso=dopo)["inviati"] == 0
    assert len(_in_coda(broker.url)) == 2


def test_con_redis_fermo_il_lavoro_resta_in_attesa_e_parte_quando_torna(
    client, staff, broker_proprio, django_capture_on_commit_callbacks
):
    numero = NumeroFactory(stato=StatoNumero.BOZZA)
    assert client.get(reverse("newsletter:iscrizione")).status_code == 200  # the page the visitor fills
    broker_proprio.ferma()
    with django_capture_on_commit_callbacks(execute=True):
        assert _richieste(client, staff, numero) < SOGLIA_APPESA
    assert sorted(CompitoInAttesa.objects.values_list("task", flat=True)) == [
        "newsletter.avvia_invio",
        "newsletter.invia_conferma",
    ]
    assert Numero.objects.get(pk=numero.pk).stato == StatoNumero.PROGRAMMATO
    assert ReportJob.objects.get().stato == StatoJob.IN_CODA
    assert compiti.spedisci_in_attesa() == 0  # still down: everything waits
    assert CompitoInAttesa.objects.get(task="newsletter.invia_conferma").tentativi == 1
    broker_proprio.avvia()
    _ritorno(broker_proprio)


def test_con_redis_congelato_nessuna_richiesta_resta_appesa(
    client, staff, broker_proprio, django_capture_on_commit_callbacks
):
    numero = NumeroFactory(stato=StatoNumero.BOZZA)
    assert client.get(reverse("newsletter:iscrizione")).status_code == 200
    broker_proprio.congela()
    with django_capture_on_commit_callbacks(execute=True):
        assert _richieste(client, staff, numero) < SOGLIA_APPESA
    assert CompitoInAttesa.objects.count() == 2
    broker_proprio.scongela()
    _ritorno(broker_proprio)


def test_un_task_sconosciuto_nella_coda_in_attesa_viene_scartato(broker_proprio):
    CompitoInAttesa.objects.create(task="non.esiste", argomenti=[1])
    assert compiti.spedisci_in_attesa() == 0
    assert not CompitoInAttesa.objects.exists()


def test_con_redis_fermo_le_mail_del_festival_e_gli_invii_dei_report_non_si_perdono(
    client, staff, broker_proprio, django_capture_on_commit_callbacks
):
    """One piece of code (compiti.accoda/spedisci) decides what a stopped broker means, for every module:
    the Festival's mails wait in the outbox, a report's send stays "da inviare" for its watcher."""
    from eventi import workflow
    from eventi.models import StatoEvento
    from tests.eventi.factories import EventoFactory
    from tests.report.factories import OrganoGovernanceFactory, ReportJobFactory

    evento = EventoFactory(stato=StatoEvento.PROPOSTO)
    job = ReportJobFactory(stato=StatoJob.COMPLETATO)
    broker_proprio.ferma()
    inizio = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.esegui(evento, "approva", staff)
        [invio] = servizi.invia_agli_organi(job, [OrganoGovernanceFactory()], staff)
    assert time.monotonic() - inizio < SOGLIA_APPESA
    assert list(CompitoInAttesa.objects.values_list("task", flat=True)) == ["eventi.notifica_decisione"]
    invio.refresh_from_db()
    assert invio.stato == invio.Stato.DA_INVIARE
    broker_proprio.avvia()
    assert compiti.spedisci_in_attesa() == 1
    assert _in_coda(broker_proprio.url) == ["eventi.notifica_decisione"]
