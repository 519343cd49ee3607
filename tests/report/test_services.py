"""The life of a report job: request, build, notification, failure, retries, watcher, Redis down, sends."""

import datetime
import re

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from alternanza.celery import app as celery_app
from alternanza.report import rendering, servizi, tasks
from alternanza.report.models import InvioReport, ReportJob, StatoJob, TipoReport
from tests.report.factories import ANNO, OrganoGovernanceFactory, ReportJobFactory, dati_piccoli

pytestmark = pytest.mark.django_db


def _finto(pdf=b"%PDF-1.7 finto"):
    def genera(job, avanza=None):
        if avanza:
            avanza(50, "a metà")
        return rendering.Risultato(pdf=pdf, pagine=3, allegato=b"PK finto", dati_al=timezone.now())

    return genera


@pytest.fixture
def render_finto(monkeypatch):
    """The build without WeasyPrint (the PDF itself is tested in test_report_pdf)."""
    monkeypatch.setattr(rendering, "genera", _finto())


def test_richiesta_dello_staff_produce_il_report_e_avvisa_il_richiedente(
    client, staff, django_capture_on_commit_callbacks
):
    dati_piccoli()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(
            reverse("report:nuovo"), {"tipo": "metropolitano", "anno_scolastico": ANNO}, follow=False
        )
    job = ReportJob.objects.get()
    assert risposta.status_code == 302 and risposta["Location"] == job.get_absolute_url()
    assert job.stato == StatoJob.COMPLETATO
    assert job.progresso == 100
    assert job.pagine >= 8
    assert job.avviato_il <= job.completato_il
    assert job.richiesto_da == staff and job.richiesto_da_nome
    assert job.task_id
    assert job.file.read(5) == b"%PDF-"
    assert job.allegato.name.endswith(".xlsx")
    assert len(mail.outbox) == 1
    messaggio = mail.outbox[0]
    assert messaggio.to == [staff.email]
    assert settings.SITE_URL + job.get_absolute_url() in messaggio.body
    assert not messaggio.attachments
    # The download is the stored PDF, with the right content type, for the requester.
    scaricato = client.get(reverse("report:scarica", args=[job.pk]))
    assert scaricato.status_code == 200
    assert scaricato["Content-Type"] == "application/pdf"
    assert b"".join(scaricato.streaming_content).startswith(b"%PDF-")
    allegato = client.get(reverse("report:allegato", args=[job.pk]))
    assert allegato["Content-Type"].startswith("application/vnd.openxmlformats")


def test_pagina_del_job_mostra_la_barra_e_il_link_senza_javascript(client, staff):
    job = ReportJobFactory(stato=StatoJob.IN_CORSO, progresso=40, fase="grafici")
    client.force_login(staff)
    html = client.get(job.get_absolute_url()).content.decode()
    assert '<progress id="report-progresso"' in html and 'value="40"' in html
    assert f'href="{reverse("report:job", args=[job.pk])}"' in html  # plain refresh link
    assert "report/js/report-job.js" in html
    assert f'data-url-stato="{reverse("report:stato", args=[job.pk])}"' in html
    stato = client.get(reverse("report:stato", args=[job.pk])).json()
    assert stato == {
        "stato": "in_corso",
        "stato_etichetta": "in corso",
        "progresso": 40,
        "fase": "grafici",
        "finito": False,
        "errore": "",
    }


def test_avanzamento_registrato_durante_la_generazione(monkeypatch, staff):
    visti = []

    def genera(job, avanza=None):
        avanza(30, "lettura dei dati")
        visti.append(ReportJob.objects.values_list("stato", "progresso", "fase").get(pk=job.pk))
        return _finto()(job)

    monkeypatch.setattr(rendering, "genera", genera)
    job = ReportJobFactory()
    assert tasks.genera_report.delay(job.pk).get() == "completato"
    assert visti == [("in_corso", 30, "lettura dei dati")]


def test_job_completato_non_viene_rieseguito_dallo_stesso_messaggio(render_finto):
    job = ReportJobFactory()
    tasks.genera_report.delay(job.pk)
    job.refresh_from_db()
    assert tasks.genera_report.delay(job.pk).get() == "saltato: già completato"
    assert ReportJob.objects.get(pk=job.pk).tentativi == 1


def test_errore_di_generazione_segna_il_job_in_errore_e_avvisa(monkeypatch, staff):
    def rotto(job, avanza=None):
        raise ValueError("dati incoerenti")

    monkeypatch.setattr(rendering, "genera", rotto)
    job = ReportJobFactory(richiesto_da=staff)
    assert tasks.genera_report.delay(job.pk).get() == "errore"
    job.refresh_from_db()
    assert job.stato == StatoJob.ERRORE
    assert "dati incoerenti" in job.errore
    assert job.completato_il is not None
    assert "non prodotto" in mail.outbox[0].subject


def test_errore_transitorio_riprova_con_attesa_crescente_poi_completa(monkeypatch):
    chiamate = []

    def a_volte(job, avanza=None):
        chiamate.append(1)
        if len(chiamate) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return _finto()(job)

    monkeypatch.setattr(rendering, "genera", a_volte)
    job = ReportJobFactory()
    # apply() without propagation runs the retry at once (a worker would wait 10 s).
    tasks.genera_report.apply(args=[job.pk], throw=False)
    job.refresh_from_db()
    assert job.stato == StatoJob.COMPLETATO
    assert job.tentativi == 2
    assert [tasks.attesa_prima_del_tentativo(n) for n in range(4)] == [10, 40, 160, 600]


def test_errore_transitorio_ripetuto_esaurisce_i_tentativi(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # eager retries run in place

    def sempre(job, avanza=None):
        raise OperationalError("database non raggiungibile")

    monkeypatch.setattr(rendering, "genera", sempre)
    job = ReportJobFactory()
    tasks.genera_report.apply(args=[job.pk], throw=False)
    job.refresh_from_db()
    assert job.stato == StatoJob.ERRORE
    assert job.tentativi == tasks.genera_report.max_retries + 1


def test_limiti_di_tempo_sotto_il_visibility_timeout_del_broker():
    visibilita = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert tasks.genera_report.soft_time_limit < tasks.genera_report.time_limit < visibilita
    assert tasks.genera_report.time_limit <= settings.CELERY_TASK_TIME_LIMIT_MAX
    assert tasks.genera_report.acks_late
    assert celery_app.amqp.router.route({}, tasks.genera_report.name)["queue"].name == "pesanti"


def test_sorveglia_riprende_un_job_il_cui_worker_e_morto(render_finto):
    job = ReportJobFactory(
        stato=StatoJob.IN_CORSO, tentativi=1, heartbeat_il=timezone.now() - datetime.timedelta(minutes=10)
    )
    esito = servizi.sorveglia()
    assert esito["ripresi"] == 1
    job.refresh_from_db()
    assert job.stato == StatoJob.COMPLETATO  # eager: the re-queued task ran at once
    assert job.tentativi == 2


def test_sorveglia_non_tocca_un_job_vivo(render_finto):
    job = ReportJobFactory(stato=StatoJob.IN_CORSO, tentativi=1, heartbeat_il=timezone.now())
    assert servizi.sorveglia() == {"inviati": 0, "ripresi": 0, "falliti": 0}
    job.refresh_from_db()
    assert job.stato == StatoJob.IN_CORSO


def test_sorveglia_segna_errore_dopo_troppe_interruzioni(render_finto):
    job = ReportJobFactory(
        stato=StatoJob.IN_CORSO,
        tentativi=servizi.MAX_ESECUZIONI,
        heartbeat_il=timezone.now() - datetime.timedelta(hours=1),
    )
    assert servizi.sorveglia()["falliti"] == 1
    job.refresh_from_db()
    assert job.stato == StatoJob.ERRORE
    assert "interrotto" in job.errore


@pytest.fixture
def broker_reale(monkeypatch):
    """Celery really publishing to a broker (not eager): set `broker_url` per test."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    return celery_app.conf


def test_richiesta_con_redis_spento_resta_in_coda_e_parte_quando_torna(
    broker_reale, monkeypatch, client, staff, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(broker_reale, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens there
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(reverse("report:nuovo"), {"tipo": "metropolitano", "anno_scolastico": ANNO})
    assert risposta.status_code == 302  # the user is not shown an error
    job = ReportJob.objects.get()
    assert (job.stato, job.task_id) == (StatoJob.IN_CODA, "")
    # The watcher, while Redis is still down, leaves it queued.
    dopo = timezone.now() + datetime.timedelta(minutes=1)
    assert servizi.sorveglia(adesso=dopo)["inviati"] == 0
    # Redis is back: the watcher dispatches it, to the "pesanti" queue of our Redis db.
    monkeypatch.setitem(broker_reale, "broker_url", settings.CELERY_BROKER_URL)
    coda = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    coda.delete("pesanti")
    try:
        assert servizi.sorveglia(adesso=dopo)["inviati"] == 1
        job.refresh_from_db()
        assert job.task_id and job.accodato_il
        messaggi = coda.lrange("pesanti", 0, -1)
        assert len(messaggi) == 1 and job.task_id.encode() in messaggi[0]
    finally:
        coda.delete("pesanti")


def test_invio_agli_organi_manda_un_link_e_non_un_allegato(
    client, staff, render_finto, django_capture_on_commit_callbacks
):
    job = ReportJobFactory()
    tasks.genera_report.delay(job.pk)
    organo = OrganoGovernanceFactory(destinatari="conferenza@example.org, ufficio.piano@example.org")
    client.force_login(staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(reverse("report:invia", args=[job.pk]), {"organi": [organo.pk]})
    assert risposta.status_code == 302
    invio = InvioReport.objects.get()
    assert invio.stato == InvioReport.Stato.INVIATO and invio.inviato_da == staff
    assert len(mail.outbox) == 1
    messaggio = mail.outbox[0]
    assert messaggio.to == ["conferenza@example.org", "ufficio.piano@example.org"]
    assert not messaggio.attachments
    link = re.search(r"https?://\S+/report/documento/\S+/", messaggio.body).group(0)
    client.logout()
    percorso = link.removeprefix(settings.SITE_URL)
    scaricato = client.get(percorso)
    assert scaricato.status_code == 200 and scaricato["Content-Type"] == "application/pdf"
    assert client.get(percorso[:-5] + "xxxx/").status_code == 404  # tampered token
    # Running the send task again does not send twice.
    assert tasks.invia_report.delay(invio.pk).get() == "saltato"
    assert len(mail.outbox) == 1


def test_ufficio_distrettuale_chiede_solo_il_report_del_suo_distretto(
    client, ufficio_a, distretto_a, distretto_b, django_capture_on_commit_callbacks
):
    client.force_login(ufficio_a)
    risposta = client.post(
        reverse("report:nuovo"), {"tipo": "distretto", "anno_scolastico": ANNO, "distretto": distretto_b.pk}
    )
    assert risposta.status_code == 200 and not ReportJob.objects.exists()
    risposta = client.post(reverse("report:nuovo"), {"tipo": "metropolitano", "anno_scolastico": ANNO})
    assert risposta.status_code == 200 and not ReportJob.objects.exists()
    risposta = client.post(
        reverse("report:nuovo"), {"tipo": "distretto", "anno_scolastico": ANNO, "distretto": distretto_a.pk}
    )
    assert risposta.status_code == 302
    assert ReportJob.objects.get().distretto == distretto_a


def test_ufficio_non_vede_i_report_di_altri_distretti(client, ufficio_a, distretto_a, distretto_b):
    mio = ReportJobFactory(tipo=TipoReport.DISTRETTO, distretto=distretto_a)
    altro = ReportJobFactory(tipo=TipoReport.DISTRETTO, distretto=distretto_b)
    metro = ReportJobFactory(tipo=TipoReport.METROPOLITANO)
    client.force_login(ufficio_a)
    assert client.get(mio.get_absolute_url()).status_code == 200
    assert client.get(altro.get_absolute_url()).status_code == 404
    assert client.get(metro.get_absolute_url()).status_code == 404
    assert client.get(reverse("report:scarica", args=[altro.pk])).status_code == 404
    elenco = client.get(reverse("report:elenco")).content.decode()
    assert mio.titolo in elenco and altro.titolo not in elenco


def test_elenco_con_numero_di_query_costante(client, staff, django_assert_max_num_queries):
    for _ in range(30):
        ReportJobFactory()
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("report:elenco")).status_code == 200
