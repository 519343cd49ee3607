"""What is sent stays what was sent: versions, checksums, covering message and protocol, expired links,
jobs that fail for bad data."""

import hashlib
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from alternanza.report import rendering, servizi, tasks
from alternanza.report.models import InvioReport, ReportJob, StatoJob, TipoReport
from tests.report.factories import OrganoGovernanceFactory, ReportJobFactory

pytestmark = pytest.mark.django_db


def _finto(pdf):
    def genera(job, avanza=None):
        return rendering.Risultato(pdf=pdf, pagine=3, allegato=b"PK finto", dati_al=timezone.now())

    return genera


def _link_nella_mail(messaggio) -> str:
    return (
        re.search(r"https?://\S+/report/documento/\S+/", messaggio.body)
        .group(0)
        .removeprefix(settings.SITE_URL)
    )


def test_produrre_di_nuovo_fa_la_versione_2_e_il_link_inviato_serve_ancora_la_1(
    monkeypatch, client, staff, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(rendering, "genera", _finto(b"%PDF-1.7 primo"))
    primo = ReportJobFactory()
    tasks.genera_report.delay(primo.pk)
    primo.refresh_from_db()
    assert primo.sha256 == hashlib.sha256(b"%PDF-1.7 primo").hexdigest()
    organo = OrganoGovernanceFactory(destinatari="conferenza@example.org")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("report:invia", args=[primo.pk]),
            {
                "organi": [organo.pk],
                "protocollo": " CM-BO  2026/123 ",
                "messaggio": "Gentili membri,\nin allegato.",
            },
        )
    percorso = _link_nella_mail(mail.outbox[-1])
    assert "Protocollo: CM-BO 2026/123" in mail.outbox[-1].body
    assert "Gentili membri," in mail.outbox[-1].body and primo.sha256 in mail.outbox[-1].body
    assert "prot. CM-BO 2026/123" in mail.outbox[-1].subject

    monkeypatch.setattr(rendering, "genera", _finto(b"%PDF-1.7 secondo"))
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(reverse("report:rigenera", args=[primo.pk]))
    secondo = ReportJob.objects.exclude(pk=primo.pk).get()
    assert risposta["Location"] == secondo.get_absolute_url()
    assert (secondo.versione, secondo.prima_versione_id, secondo.stato) == (2, primo.pk, StatoJob.COMPLETATO)
    assert secondo.file.name != primo.file.name
    # Version 1 is untouched: same row, same file, same bytes behind the link already e-mailed.
    vecchio = ReportJob.objects.get(pk=primo.pk)
    assert (vecchio.file.name, vecchio.sha256) == (primo.file.name, primo.sha256)
    client.logout()
    scaricato = b"".join(client.get(percorso).streaming_content)
    assert hashlib.sha256(scaricato).hexdigest() == primo.sha256
    # A third version numbers 3 even when asked from version 1's page.
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report:rigenera", args=[primo.pk]))
    assert sorted(ReportJob.objects.values_list("versione", flat=True)) == [1, 2, 3]
    # The job page shows the version, the checksum and the send history of the series.
    html = client.get(secondo.get_absolute_url()).content.decode()
    assert secondo.sha256 in html and primo.sha256 in html
    assert "CM-BO 2026/123" in html and "conferenza@example.org" in html


def test_modulo_di_invio_mostra_gli_indirizzi_e_tutti_gli_organi_dei_distretti(
    client, staff, distretto_a, distretto_b
):
    job = ReportJobFactory(stato=StatoJob.COMPLETATO, tipo=TipoReport.METROPOLITANO)
    metro = OrganoGovernanceFactory(nome="Governance PSM", destinatari="psm@example.org")
    a = OrganoGovernanceFactory(nome="Conferenza A", distretto=distretto_a, destinatari="a@example.org")
    b = OrganoGovernanceFactory(nome="Conferenza B", distretto=distretto_b, destinatari="b@example.org")
    client.force_login(staff)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "psm@example.org" in html and "a@example.org" in html
    assert "?tutti_distretti=1" in html
    tutti = client.get(job.get_absolute_url() + "?tutti_distretti=1").content.decode()
    spuntati = set(re.findall(r'<input[^>]*value="(\d+)"[^>]*checked', tutti))
    assert spuntati == {str(a.pk), str(b.pk)} and str(metro.pk) not in spuntati
    # No body chosen: the page again with the typed protocol kept and the error at its field.
    risposta = client.post(reverse("report:invia", args=[job.pk]), {"protocollo": "P-1"})
    assert risposta.status_code == 400
    assert 'value="P-1"' in risposta.content.decode()
    assert "Scegli almeno un organo" in risposta.content.decode()
    assert not InvioReport.objects.exists()


def test_link_scaduto_spiega_e_permette_di_chiedere_un_nuovo_link(client, staff):
    job = ReportJobFactory(stato=StatoJob.COMPLETATO, sha256="0" * 64)
    job.file.save("x.pdf", ContentFile(b"%PDF-1.7"), save=True)
    organo = OrganoGovernanceFactory(nome="Ufficio di Piano Pianura Est")
    invio = InvioReport.objects.create(job=job, organo=organo, destinatari="u@example.org", inviato_da=staff)
    percorso = servizi.link_documento(invio).removeprefix(settings.SITE_URL)
    with time_machine.travel(timezone.now() + servizi.VALIDITA_LINK + timezone.timedelta(days=1)):
        risposta = client.get(percorso)
        assert risposta.status_code == 410
        html = risposta.content.decode()
        assert "scaduto" in html and organo.nome in html
        azione = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
        mail.outbox.clear()
        assert client.post(azione).status_code == 410
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]
        assert job.get_absolute_url() in mail.outbox[0].body
        client.post(azione)  # a second click the same day sends nothing more
        assert len(mail.outbox) == 1
    assert client.get(percorso[:-5] + "xxxx/").status_code == 404


def test_dati_non_validi_segnano_errore_in_parole_avvisano_e_non_riprovano(client, staff):
    job = ReportJobFactory(richiesto_da=staff)
    ReportJob.objects.filter(pk=job.pk).update(tipo="inesistente")
    assert tasks.genera_report.delay(job.pk).get() == "errore: dati"
    job.refresh_from_db()
    assert job.stato == StatoJob.ERRORE and job.tentativi == 1
    assert job.errore == "Il tipo di report «inesistente» non esiste: richiedi di nuovo il report."
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]
    assert tasks.genera_report.delay(job.pk).get() == "saltato: già errore"
    client.force_login(staff)
    assert "richiedi di nuovo il report" in client.get(job.get_absolute_url()).content.decode()
