"""E-mails that announce something to do link straight to it (issue 14)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from alternanza.progetti import workflow
from alternanza.progetti.models import StatoProgetto
from alternanza.report import servizi
from alternanza.report.models import StatoJob
from alternanza.utenti import ruoli
from distretti.models import Incarico, StatoIncarico
from tests.factories import IncaricoFactory, UserFactory
from tests.progetti.factories import ProgettoFactory
from tests.report.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


def _html(messaggio) -> str:
    return messaggio.alternatives[0][0]


def test_l_approvazione_porta_all_area_riservata(ufficio_a, scuola_a):
    richiedente = UserFactory(email="nuova@example.org")
    richiesta = IncaricoFactory(
        utente=richiedente,
        ruolo=Incarico.Ruolo.REFERENTE_SCUOLA,
        scuola=scuola_a,
        stato=StatoIncarico.RICHIESTO,
    )
    ruoli.decidi(ufficio_a, richiesta, approva=True)
    (messaggio,) = [m for m in mail.outbox if m.to == ["nuova@example.org"]]
    assert f"{settings.SITE_URL}/area-riservata/" in messaggio.body
    assert f'href="{settings.SITE_URL}/area-riservata/"' in _html(messaggio)


def test_un_progetto_rimandato_porta_alle_osservazioni(
    django_capture_on_commit_callbacks, referente_a, ufficio_a, scuola_a, client
):
    progetto = ProgettoFactory(scuola=scuola_a, stato=StatoProgetto.INVIATO)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.esegui(progetto, workflow.Azione.RIMANDA, ufficio_a, nota="Mancano le ore di sicurezza.")
    (messaggio,) = mail.outbox
    url = f"{settings.SITE_URL}/progetti/{progetto.pk}/#storia"
    assert url in messaggio.body and url in _html(messaggio)
    # the anchor exists on the project page, next to the office's remarks
    client.force_login(referente_a)
    pagina = client.get(f"/progetti/{progetto.pk}/").content.decode()
    storia = pagina.index('id="storia"')
    assert "Mancano le ore di sicurezza." in pagina[storia:]


def test_un_report_pronto_porta_alla_sua_pagina_di_download(staff, client):
    job = ReportJobFactory(stato=StatoJob.COMPLETATO, richiesto_da=staff, file="report/prova.pdf")
    servizi.notifica_richiedente(job)
    (messaggio,) = mail.outbox
    url = f"{settings.SITE_URL}/report/{job.pk}/"
    assert url in messaggio.body
    client.force_login(staff)
    assert f"/report/{job.pk}/scarica/" in client.get(f"/report/{job.pk}/").content.decode()
