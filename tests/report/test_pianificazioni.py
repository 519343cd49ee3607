"""Schedules as data: staff create one in the portal, the dispatch task runs it at the next due time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alternanza.report import rendering, tasks
from alternanza.report.models import InvioReport, PianificazioneReport, ReportJob, StatoJob
from alternanza.report.pianificazioni import prossima_dopo
from tests.report.factories import OrganoGovernanceFactory

pytestmark = pytest.mark.django_db

ROMA = ZoneInfo("Europe/Rome")  # the portal's zone


@pytest.fixture
def render_finto(monkeypatch):
    def genera(job, avanza=None):
        return rendering.Risultato(pdf=b"%PDF-1.7 finto", pagine=2, allegato=None, dati_al=timezone.now())

    monkeypatch.setattr(rendering, "genera", genera)


def test_pianificazione_creata_dallo_staff_parte_alla_prossima_scadenza_senza_riavvii(
    client, staff, distretto_a, render_finto, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 2, 10, 9, 0, tzinfo=ROMA), tick=False)
    conferenza = OrganoGovernanceFactory(nome="Conferenza A", distretto=distretto_a)
    OrganoGovernanceFactory(nome="Non scelto")
    client.force_login(staff)
    dati = {
        "nome": "Mensile distretto A",
        "tipo": "distretto",
        "distretto": distretto_a.pk,
        "frequenza": "mensile",
        "giorno": "1",
        "ora": "6",
        "organi": [conferenza.pk],
        "attiva": "on",
    }
    risposta = client.post(reverse("report:pianificazione_nuova"), dati)
    assert risposta["Location"] == reverse("report:pianificazioni")
    pianificazione = PianificazioneReport.objects.get()
    assert pianificazione.prossima_esecuzione == datetime.datetime(2026, 3, 1, 6, 0, tzinfo=ROMA)
    assert "Mensile distretto A" in client.get(reverse("report:pianificazioni")).content.decode()

    # Not yet due: the periodic task requests nothing.
    time_machine.move_to(datetime.datetime(2026, 3, 1, 5, 55, tzinfo=ROMA), tick=False)
    assert tasks.esegui_pianificazioni.delay().get() == []
    # Due: one report, built and sent to the chosen body only; the next run is on 1 April.
    time_machine.move_to(datetime.datetime(2026, 3, 1, 6, 5, tzinfo=ROMA), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        ids = tasks.esegui_pianificazioni.delay().get()
    job = ReportJob.objects.get(pk__in=ids)
    assert (job.tipo, job.distretto, job.anno_scolastico, job.origine) == (
        "distretto",
        distretto_a,
        "2025/26",
        "pianificato",
    )
    assert job.stato == StatoJob.COMPLETATO and job.pianificazione == pianificazione
    assert [i.organo for i in InvioReport.objects.all()] == [conferenza]
    assert [m.to for m in mail.outbox] == [conferenza.indirizzi]
    pianificazione.refresh_from_db()
    assert pianificazione.prossima_esecuzione == datetime.datetime(2026, 4, 1, 6, 0, tzinfo=ROMA)
    assert tasks.esegui_pianificazioni.delay().get() == []  # the same run never happens twice

    # Paused in the portal: nothing happens at the next due time.
    dati.pop("attiva")
    client.force_login(staff)  # weeks have passed: a new session
    risposta = client.post(reverse("report:pianificazione", args=[pianificazione.pk]), dati)
    assert risposta["Location"] == reverse("report:pianificazioni")
    assert not PianificazioneReport.objects.get().attiva
    time_machine.move_to(datetime.datetime(2026, 4, 1, 7, 0, tzinfo=ROMA), tick=False)
    assert tasks.esegui_pianificazioni.delay().get() == []


def test_mensile_salta_luglio_e_agosto_annuale_nel_suo_giorno():
    mensile = PianificazioneReport(frequenza="mensile", giorno=1, ora=6)
    giugno = datetime.datetime(2026, 6, 2, 0, 0, tzinfo=datetime.UTC)
    assert timezone.localtime(prossima_dopo(mensile, giugno)).date() == datetime.date(2026, 9, 1)
    annuale = PianificazioneReport(frequenza="annuale", giorno=15, mese=7, ora=6)
    assert timezone.localtime(prossima_dopo(annuale, giugno)).date() == datetime.date(2026, 7, 15)
    assert timezone.localtime(prossima_dopo(annuale, giugno.replace(month=8))).date() == datetime.date(
        2027, 7, 15
    )


def test_errori_al_loro_campo_e_niente_salvato(client, staff):
    client.force_login(staff)
    risposta = client.post(
        reverse("report:pianificazione_nuova"),
        {
            "nome": "Annuale senza mese",
            "tipo": "distretto",
            "frequenza": "annuale",
            "giorno": "31",
            "ora": "6",
        },
    )
    assert risposta.status_code == 200
    errori = risposta.context["form"].errors
    assert set(errori) >= {"distretto", "mese", "giorno"}
    assert 'value="Annuale senza mese"' in risposta.content.decode()
    assert not PianificazioneReport.objects.exists()


def test_lo_staff_modifica_organi_e_destinatari(client, staff):
    organo = OrganoGovernanceFactory(nome="Ufficio di Piano", destinatari="vecchio@example.org")
    client.force_login(staff)
    risposta = client.post(
        reverse("report:organo", args=[organo.pk]),
        {
            "nome": "Ufficio di Piano",
            "tipo": "ufficio_piano",
            "destinatari": "nuovo@example.org, altro@example.org",
            "attivo": "on",
        },
    )
    assert risposta.status_code == 302
    organo.refresh_from_db()
    assert organo.indirizzi == ["nuovo@example.org", "altro@example.org"]
    risposta = client.post(
        reverse("report:organo", args=[organo.pk]),
        {
            "nome": "Ufficio di Piano",
            "tipo": "ufficio_piano",
            "destinatari": "non-un-indirizzo",
            "attivo": "on",
        },
    )
    assert risposta.status_code == 200 and "non-un-indirizzo" in risposta.content.decode()
    organo.refresh_from_db()
    assert organo.indirizzi == ["nuovo@example.org", "altro@example.org"]


def test_elenchi_con_numero_di_query_costante(
    client, staff, distretto_a, django_assert_num_queries, django_assert_max_num_queries
):
    for n in range(3):
        p = PianificazioneReport.objects.create(
            nome=f"P{n}", tipo="distretto", distretto=distretto_a, frequenza="mensile"
        )
        p.organi.add(OrganoGovernanceFactory())
    client.force_login(staff)
    client.get(reverse("report:organi"))  # the session's first request does one-time work
    with django_assert_max_num_queries(15) as pianificazioni:
        client.get(reverse("report:pianificazioni"))
    with django_assert_max_num_queries(15) as organi:
        client.get(reverse("report:organi"))
    for n in range(3, 8):
        p = PianificazioneReport.objects.create(nome=f"P{n}", tipo="metropolitano", frequenza="mensile")
        p.organi.add(OrganoGovernanceFactory())
    with django_assert_num_queries(len(pianificazioni.captured_queries)):
        client.get(reverse("report:pianificazioni"))
    with django_assert_num_queries(len(organi.captured_queries)):
        client.get(reverse("report:organi"))
