"""Evaluations: the school's (in the consuntivo) and each host's, from a mailed signed link, no account."""

import datetime

import pytest
from django.core import mail, signing
from django.urls import reverse

from alternanza.progetti import valutazioni
from alternanza.progetti.models import ProgettoOrganizzazione, StatoProgetto, TransizioneProgetto
from tests.conftest import entra
from tests.progetti.factories import ProgettoPubblicatoFactory

S = StatoProgetto
pytestmark = pytest.mark.django_db


@pytest.fixture
def ospite(scuola_a, organizzazione):
    progetto = ProgettoPubblicatoFactory(
        scuola=scuola_a, stato=S.CONCLUSO, ore_svolte=40, titolo="Officina 4.0", ospitanti=[organizzazione]
    )
    partecipazione = ProgettoOrganizzazione.objects.get(progetto=progetto)
    partecipazione.tutor_nome = "Marco Bianchi"
    partecipazione.tutor_email = "m.bianchi@azienda.example.org"
    partecipazione.save()
    return partecipazione


def _link(messaggio) -> str:
    return next(riga for riga in messaggio.body.splitlines() if "/progetti/valutazione/" in riga).strip()


def test_il_tutor_riceve_il_link_e_compila_senza_account(
    client, django_capture_on_commit_callbacks, referente_a, ospite
):
    progetto = ospite.progetto
    entra(client, referente_a)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(reverse("progetti:richiedi_valutazione", args=[progetto.pk, ospite.pk]))
    assert risposta.status_code == 302
    assert [m.to for m in mail.outbox] == [["m.bianchi@azienda.example.org"]]
    assert "Officina 4.0" in mail.outbox[0].subject and "Gentile Marco Bianchi" in mail.outbox[0].body
    link = _link(mail.outbox[0])
    client.logout()
    percorso = link.split("://", 1)[1].split("/", 1)[1]
    pagina = client.get("/" + percorso)
    assert pagina.status_code == 200 and "Officina 4.0" in pagina.content.decode()
    # Empty: each field says what is missing, and what was typed stays.
    risposta = client.post("/" + percorso, {"compilata_da": "Marco Bianchi, tutor"})
    assert risposta.status_code == 200
    assert set(risposta.context["form"].errors) == {"giudizio", "testo"}
    assert 'value="Marco Bianchi, tutor"' in risposta.content.decode()
    risposta = client.post(
        "/" + percorso,
        {"compilata_da": "Marco Bianchi, tutor", "giudizio": 4, "testo": "Studenti puntuali e curiosi."},
    )
    assert "Grazie per la valutazione" in risposta.content.decode()
    ospite.valutazione.refresh_from_db()
    assert (ospite.valutazione.giudizio, ospite.valutazione.testo) == (4, "Studenti puntuali e curiosi.")
    storia = TransizioneProgetto.objects.get(progetto=progetto)
    assert (storia.da_stato, storia.a_stato, storia.utente_nome) == (
        S.CONCLUSO,
        S.CONCLUSO,
        "Marco Bianchi, tutor",
    )
    assert storia.nota == f"Valutazione di «{ospite.organizzazione.nome}» ricevuta."
    # Editable with the same link while the project is not archived.
    client.post("/" + percorso, {"compilata_da": "Marco Bianchi", "giudizio": 3, "testo": "Rivista."})
    ospite.valutazione.refresh_from_db()
    assert ospite.valutazione.giudizio == 3
    # The school reads it in its project page; visitors never.
    entra(client, referente_a)
    assert "Rivista." in client.get(progetto.get_absolute_url()).content.decode()
    client.logout()
    assert "Rivista." not in client.get(progetto.get_absolute_url()).content.decode()


def test_link_manomesso_scaduto_sostituito_o_di_un_progetto_archiviato(client, ospite, monkeypatch):
    valutazione = valutazioni.richiedi(ospite)
    buono = valutazioni.token(valutazione)
    url = reverse("progetti:valutazione_ospitante", args=[buono])
    manomesso = reverse("progetti:valutazione_ospitante", args=[buono[:-2] + "xx"])
    risposta = client.get(manomesso)
    assert risposta.status_code == 404 and "Il link non è valido" in risposta.content.decode()
    assert client.get(reverse("progetti:valutazione_ospitante", args=["niente"])).status_code == 404
    # Signed with another salt (e.g. a booking link): not an evaluation link.
    altro = signing.TimestampSigner(salt="eventi.prenotazione.conferma").sign(valutazione.chiave.hex)
    assert client.get(reverse("progetti:valutazione_ospitante", args=[altro])).status_code == 404
    # Older than the validity: a clear message, not an error.
    adesso = datetime.datetime.now().timestamp()
    monkeypatch.setattr("time.time", lambda: adesso + valutazioni.VALIDITA + 60)
    risposta = client.get(url)
    assert risposta.status_code == 410 and "Link scaduto" in risposta.content.decode()
    monkeypatch.undo()
    assert client.get(url).status_code == 200
    # Asked again: only the newest link works.
    nuova = valutazioni.richiedi(ospite)
    assert client.get(url).status_code == 404
    nuovo = reverse("progetti:valutazione_ospitante", args=[valutazioni.token(nuova)])
    ospite.progetto.stato = S.ARCHIVIATO
    ospite.progetto.save()
    risposta = client.post(nuovo, {"compilata_da": "X", "giudizio": 4, "testo": "Tardi."})
    assert risposta.status_code == 410 and "Valutazione chiusa" in risposta.content.decode()
    nuova.refresh_from_db()
    assert nuova.testo == ""


def test_senza_indirizzo_la_scuola_sa_cosa_aggiungere(client, referente_a, ospite):
    ospite.tutor_email = ""
    ospite.save()
    ospite.organizzazione.contatto_email = ""
    ospite.organizzazione.save()
    entra(client, referente_a)
    risposta = client.post(
        reverse("progetti:richiedi_valutazione", args=[ospite.progetto.pk, ospite.pk]), follow=True
    )
    assert "aggiungi l&#x27;e-mail del tutor" in risposta.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize("stato", [S.BOZZA, S.VALIDATO, S.PUBBLICATO, S.ARCHIVIATO])
def test_la_valutazione_si_chiede_solo_a_progetto_in_corso_o_concluso(client, referente_a, ospite, stato):
    ospite.progetto.stato = stato
    ospite.progetto.save()
    entra(client, referente_a)
    risposta = client.post(reverse("progetti:richiedi_valutazione", args=[ospite.progetto.pk, ospite.pk]))
    assert risposta.status_code == 403


def test_la_pagina_riservata_con_piu_ospitanti_e_valutazioni_ha_query_costanti(client, referente_a, scuola_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OrganizzazioneFactory

    def query_per(quanti: int) -> int:
        progetto = ProgettoPubblicatoFactory(
            scuola=scuola_a, stato=S.CONCLUSO, ospitanti=OrganizzazioneFactory.create_batch(quanti)
        )
        for partecipazione in progetto.partecipazioni.all():
            partecipazione.tutor_email = "tutor@azienda.example.org"
            partecipazione.save()
            valutazioni.richiedi(partecipazione)
        client.get(progetto.get_absolute_url())  # warm the session and the caches
        with CaptureQueriesContext(connection) as contate:
            assert client.get(progetto.get_absolute_url()).status_code == 200
        return len(contate)

    entra(client, referente_a)
    assert query_per(1) == query_per(4)
