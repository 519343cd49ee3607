"""The Festival's review workflow: every decision × every persona × every state, history rows, the row
lock against two decisions taken at the same moment, and the decision page through the service."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from eventi import workflow
from eventi.models import Evento, StatoEvento, TransizioneEvento
from eventi.workflow import Azione, TransizioneNonConsentita
from tests.conftest import PERSONE, entra
from tests.eventi.factories import EventoFactory

S = StatoEvento
pytestmark = pytest.mark.django_db

# Written out by hand (not derived from workflow.REGOLE) so that a change of the rules fails here.
PARTENZE = {
    Azione.APPROVA: {S.PROPOSTO},
    Azione.RIFIUTA: {S.PROPOSTO},
    Azione.PUBBLICA: {S.PROPOSTO, S.APPROVATO},
    Azione.ANNULLA: {S.APPROVATO, S.PUBBLICATO},
}
ARRIVI = {
    Azione.APPROVA: S.APPROVATO,
    Azione.RIFIUTA: S.RIFIUTATO,
    Azione.PUBBLICA: S.PUBBLICATO,
    Azione.ANNULLA: S.ANNULLATO,
}
# Who decides on an event in Bologna (district A): its district office and the staff, nobody else.
AUTORIZZATI = {"ufficio_a", "staff", "superuser"}


def _persona(request, nome):
    return None if nome == "anonimo" else request.getfixturevalue(nome)


@pytest.mark.parametrize("stato", list(S))
@pytest.mark.parametrize("azione", list(Azione))
@pytest.mark.parametrize("persona", PERSONE)
def test_ogni_decisione_per_ogni_persona_e_ogni_stato(request, persona, azione, stato):
    user = _persona(request, persona)
    evento = EventoFactory(stato=stato, motivo_annullamento="Maltempo" if stato == S.ANNULLATO else "")
    autorizzato = persona in AUTORIZZATI
    consentita = autorizzato and stato in PARTENZE[azione]

    assert workflow.puo(user, evento, azione) is consentita
    assert (azione in workflow.azioni_possibili(user, evento)) is consentita
    if not autorizzato:
        with pytest.raises(PermissionDenied):
            workflow.esegui(evento, azione, user, nota="Una nota")
    elif stato not in PARTENZE[azione]:
        with pytest.raises(TransizioneNonConsentita):
            workflow.esegui(evento, azione, user, nota="Una nota")
    else:
        transizione = workflow.esegui(evento, azione, user, nota="Una nota")
        evento.refresh_from_db()
        assert evento.stato == ARRIVI[azione] and evento.deciso_da == user and evento.deciso_il
        assert (transizione.da_stato, transizione.a_stato) == (stato, ARRIVI[azione])
        assert transizione.utente == user
        return
    evento.refresh_from_db()
    assert evento.stato == stato
    assert not TransizioneEvento.objects.exists()


def test_ogni_decisione_lascia_una_riga_di_storia_con_chi_quando_e_la_nota(ufficio_a, staff):
    evento = EventoFactory(stato=S.PROPOSTO)
    workflow.esegui(evento, Azione.APPROVA, ufficio_a, nota="  Va bene  ")
    workflow.esegui(evento, Azione.PUBBLICA, staff)
    workflow.esegui(evento, Azione.ANNULLA, ufficio_a, nota="Allerta meteo")
    storia = list(evento.transizioni.order_by("creata_il", "pk"))
    assert [(t.da_stato, t.a_stato, t.utente, t.nota) for t in storia] == [
        (S.PROPOSTO, S.APPROVATO, ufficio_a, "Va bene"),
        (S.APPROVATO, S.PUBBLICATO, staff, ""),
        (S.PUBBLICATO, S.ANNULLATO, ufficio_a, "Allerta meteo"),
    ]
    assert all(t.creata_il and t.utente_nome for t in storia)
    evento.refresh_from_db()
    assert evento.nota_decisione == "Va bene" and evento.motivo_annullamento == "Allerta meteo"
    assert evento.pubblicato_il and evento.deciso_da == ufficio_a


def test_annullare_senza_motivo_e_rifiutato_e_non_lascia_storia(staff):
    evento = EventoFactory(stato=S.PUBBLICATO)
    with pytest.raises(TransizioneNonConsentita):
        workflow.esegui(evento, Azione.ANNULLA, staff, nota="   ")
    evento.refresh_from_db()
    assert evento.stato == S.PUBBLICATO and not evento.transizioni.exists()


@pytest.mark.django_db(transaction=True)
def test_due_decisioni_nello_stesso_momento_una_sola_transizione(con_dati_delle_migrazioni, ufficio_a, staff):
    """Two people decide on the same proposal at once, each with the page they loaded (state: proposto),
    on their own database connection: the row lock lets exactly one decision through."""
    evento = EventoFactory(stato=S.PROPOSTO)
    via = threading.Barrier(2)
    esiti = {}

    def decidi(chi, user, azione):
        copia = Evento.objects.get(pk=evento.pk)  # what the page showed: proposto
        via.wait()
        try:
            workflow.esegui(copia, azione, user)
            esiti[chi] = "fatto"
        except TransizioneNonConsentita:
            esiti[chi] = "rifiutato"
        finally:
            connection.close()

    fili = [
        threading.Thread(target=decidi, args=("ufficio", ufficio_a, Azione.APPROVA)),
        threading.Thread(target=decidi, args=("staff", staff, Azione.RIFIUTA)),
    ]
    for filo in fili:
        filo.start()
    for filo in fili:
        filo.join(timeout=30)
    assert sorted(esiti.values()) == ["fatto", "rifiutato"]
    (transizione,) = TransizioneEvento.objects.filter(evento=evento)
    evento.refresh_from_db()
    assert transizione.da_stato == S.PROPOSTO and evento.stato == transizione.a_stato


def test_la_pagina_di_decisione_passa_dal_servizio(client, ufficio_a):
    evento = EventoFactory(stato=S.PROPOSTO)
    entra(client, ufficio_a)
    url = reverse("eventi:decidi", args=[evento.pk])
    assert client.post(url, {"azione": "approva", "motivo": ""}).status_code == 302
    assert client.post(url, {"azione": "approva", "motivo": ""}).status_code == 302  # no longer possible
    (transizione,) = evento.transizioni.all()
    assert (transizione.a_stato, transizione.utente) == (S.APPROVATO, ufficio_a)
    pagina = client.get(evento.get_absolute_url(), follow=True).content.decode()
    assert "non è possibile nello stato attuale" in pagina


def test_l_amministrazione_mostra_la_storia_delle_decisioni_in_sola_lettura(client, superuser, ufficio_a):
    evento = EventoFactory(stato=S.PROPOSTO)
    workflow.esegui(evento, Azione.RIFIUTA, ufficio_a, nota="Date sovrapposte")
    client.force_login(superuser)
    pagina = client.get(reverse("admin:eventi_evento_change", args=[evento.pk])).content.decode()
    assert "Date sovrapposte" in pagina
    assert 'name="transizioni-0-nota"' not in pagina  # shown, not editable
