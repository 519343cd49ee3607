"""The reminder 30 days before a convenzione expires: who gets it, when, and only once."""

import datetime

import pytest
import time_machine
from django.core import mail

from distretti.models import Incarico
from partnership.tasks import invia_promemoria_convenzione, promemoria_scadenze
from tests.factories import IncaricoFactory, ReferenteOrganizzazioneFactory
from tests.partnership.factories import ConvenzioneFactory

OGGI = datetime.datetime(2026, 5, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def convenzione(db, scuola_a, organizzazione, distretto_a):
    distretto_a.ufficio_email = "ufficio.bologna@example.org"
    distretto_a.save()
    organizzazione.contatto_email = "hr@meccanica.example.org"
    organizzazione.save()
    IncaricoFactory(scuola=scuola_a, utente__email="coordinatrice@scuola.example.org")
    ReferenteOrganizzazioneFactory(organizzazione=organizzazione, utente__email="tutor@meccanica.example.org")
    IncaricoFactory(
        ruolo=Incarico.Ruolo.UFFICIO_DISTRETTO,
        scuola=None,
        distretto=distretto_a,
        utente__email="tecnico@bo.example.org",
    )
    return ConvenzioneFactory(
        scuola=scuola_a,
        organizzazione=organizzazione,
        data_firma=datetime.date(2024, 6, 1),
        scadenza=datetime.date(2026, 6, 1),
    )


def _esegui(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return promemoria_scadenze()


@pytest.mark.django_db
def test_promemoria_30_giorni_prima_a_scuola_organizzazione_e_ufficio(
    convenzione, django_capture_on_commit_callbacks
):
    with time_machine.travel(OGGI, tick=False):  # 30 days before 1 June
        assert _esegui(django_capture_on_commit_callbacks) == 1
    destinatari = sorted(m.to[0] for m in mail.outbox)
    assert destinatari == [
        "coordinatrice@scuola.example.org",
        "hr@meccanica.example.org",
        "tecnico@bo.example.org",
        "tutor@meccanica.example.org",
        "ufficio.bologna@example.org",
    ]
    messaggio = mail.outbox[0]
    assert "Convenzione in scadenza" in messaggio.subject
    assert "30 giorni" in messaggio.body
    assert convenzione.organizzazione.nome in messaggio.body
    assert messaggio.alternatives and "text/html" in messaggio.alternatives[0][1]
    convenzione.refresh_from_db()
    assert convenzione.promemoria_inviato_il is not None


@pytest.mark.django_db
def test_nessun_promemoria_prima_della_finestra_di_30_giorni(convenzione, django_capture_on_commit_callbacks):
    with time_machine.travel(OGGI - datetime.timedelta(days=1), tick=False):
        assert _esegui(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_promemoria_inviato_una_sola_volta(convenzione, django_capture_on_commit_callbacks):
    with time_machine.travel(OGGI, tick=False):
        _esegui(django_capture_on_commit_callbacks)
    n = len(mail.outbox)
    with time_machine.travel(OGGI + datetime.timedelta(days=1), tick=False):
        assert _esegui(django_capture_on_commit_callbacks) == 0
        assert invia_promemoria_convenzione(convenzione.pk) == 0  # a duplicate delivery of the task
    assert len(mail.outbox) == n


@pytest.mark.django_db
def test_convenzione_scaduta_non_riceve_promemoria_ed_e_segnalata(
    convenzione, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 6, 2, 8, 0, tzinfo=datetime.UTC), tick=False):
        assert _esegui(django_capture_on_commit_callbacks) == 0
        assert convenzione.scaduta
    assert mail.outbox == []


@pytest.mark.django_db
def test_scadenza_rinnovata_riceve_un_nuovo_promemoria(
    convenzione, referente_a, client, django_capture_on_commit_callbacks
):
    from tests.conftest import entra

    with time_machine.travel(OGGI, tick=False):
        _esegui(django_capture_on_commit_callbacks)
        # the convenzione of scuola_a is edited by its coordinator with a new expiry
        entra(client, referente_a)
        risposta = client.post(
            f"/rete/convenzioni/{convenzione.pk}/modifica/",
            {
                "scuola": convenzione.scuola.codice_meccanografico,
                "organizzazione": convenzione.organizzazione.nome,
                "numero": "CONV-RINNOVO",
                "data_firma": "2026-05-02",
                "scadenza": "2028-06-01",
                "sezione_dvr": "Rischi aggiornati.",
            },
        )
        assert risposta.status_code == 302
    convenzione.refresh_from_db()
    assert convenzione.promemoria_inviato_il is None


@pytest.mark.django_db
def test_stato_delle_convenzioni_per_un_progetto_segnala_scadute_e_mancanti(scuola_a, organizzazione):
    from django.template.loader import render_to_string

    from partnership.models import Convenzione
    from tests.factories import OrganizzazioneFactory

    senza = OrganizzazioneFactory()
    ConvenzioneFactory(
        scuola=scuola_a, organizzazione=organizzazione, scadenza=datetime.date(2020, 8, 31), data_firma=None
    )
    with time_machine.travel(OGGI, tick=False):
        stato = Convenzione.objects.stato_per(scuola_a.pk, [organizzazione.pk, senza.pk])
        assert stato[senza.pk] is None
        assert stato[organizzazione.pk].scaduta
        assert "scaduta" in render_to_string(
            "partnership/_convenzione_stato.html", {"c": stato[organizzazione.pk]}
        )
        assert "mancante" in render_to_string("partnership/_convenzione_stato.html", {"c": None})


def test_il_promemoria_e_nel_calendario_di_celery_beat_con_un_task_registrato():
    from django.conf import settings

    from alternanza.celery import app

    voce = settings.CELERY_BEAT_SCHEDULE["partnership-promemoria-convenzioni"]
    app.loader.import_default_modules()
    assert voce["task"] in app.tasks
    assert voce["schedule"] <= 24 * 3600  # at least daily: a 30-day window never misses a convenzione
