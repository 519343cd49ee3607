"""The project workflow: every transition × every persona × every starting state, records and e-mails."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from alternanza.progetti import workflow
from alternanza.progetti.models import (
    STATI_MODIFICABILI,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
    TransizioneProgetto,
)
from alternanza.progetti.workflow import Azione, TransizioneNonConsentita
from tests.progetti.factories import ProgettoFactory, ProgettoPubblicatoFactory

S = StatoProgetto
pytestmark = pytest.mark.django_db(transaction=False)

# Written out by hand (not derived from workflow.REGOLE) so that a change of the rules fails here.
PARTENZE = {
    Azione.INVIA: {S.BOZZA, S.RIMANDATO},
    Azione.RITIRA: {S.INVIATO},
    Azione.VALIDA: {S.INVIATO},
    Azione.RIMANDA: {S.INVIATO, S.VALIDATO},
    # Running or concluded while only validated (the factory's projects have no publication date).
    Azione.PUBBLICA: {S.VALIDATO, S.IN_CORSO, S.CONCLUSO},
    Azione.AVVIA: {S.VALIDATO, S.PUBBLICATO},
    Azione.CONCLUDI: {S.IN_CORSO},
    Azione.ARCHIVIA: {S.PUBBLICATO, S.CONCLUSO},
}
ARRIVI = {
    Azione.INVIA: S.INVIATO,
    Azione.RITIRA: S.BOZZA,
    Azione.VALIDA: S.VALIDATO,
    Azione.RIMANDA: S.RIMANDATO,
    Azione.PUBBLICA: {S.VALIDATO: S.PUBBLICATO, S.IN_CORSO: S.IN_CORSO, S.CONCLUSO: S.CONCLUSO},
    Azione.AVVIA: S.IN_CORSO,
    Azione.CONCLUDI: S.CONCLUSO,
    Azione.ARCHIVIA: S.ARCHIVIATO,
}
# Which personas hold a role allowing each transition on a project of scuola_a (district A).
AUTORIZZATI = {
    Azione.INVIA: {"referente_a", "staff", "superuser"},
    Azione.RITIRA: {"referente_a", "staff", "superuser"},
    Azione.VALIDA: {"ufficio_a", "staff", "superuser"},
    Azione.RIMANDA: {"ufficio_a", "staff", "superuser"},
    Azione.PUBBLICA: {"ufficio_a", "staff", "superuser"},
    Azione.AVVIA: {"referente_a", "staff", "superuser"},
    Azione.CONCLUDI: {"referente_a", "staff", "superuser"},
    Azione.ARCHIVIA: {"referente_a", "ufficio_a", "staff", "superuser"},
}
PERSONE = (
    "anonimo",
    "referente_a",
    "referente_b",
    "ufficio_a",
    "ufficio_b",
    "referente_org",
    "staff",
    "superuser",
)


def _arrivo(azione, stato):
    arrivo = ARRIVI[azione]
    return arrivo[stato] if isinstance(arrivo, dict) else arrivo


def _persona(request, nome):
    return None if nome == "anonimo" else request.getfixturevalue(nome)


@pytest.mark.parametrize("stato", list(S))
@pytest.mark.parametrize("azione", list(Azione))
@pytest.mark.parametrize("persona", PERSONE)
def test_ogni_transizione_per_ogni_persona_e_ogni_stato(request, scuola_a, persona, azione, stato):
    user = _persona(request, persona)
    # Hours done recorded: concluding needs them (tested on its own below).
    progetto = ProgettoFactory(scuola=scuola_a, stato=stato, ore_svolte=30)
    autorizzato = persona in AUTORIZZATI[azione]
    consentita = autorizzato and stato in PARTENZE[azione]

    assert workflow.puo(user, progetto, azione) is consentita
    assert (azione in workflow.azioni_possibili(user, progetto)) is consentita
    if not autorizzato:
        with pytest.raises(PermissionDenied):
            workflow.esegui(progetto, azione, user, nota="osservazioni")
        progetto.refresh_from_db()
        assert progetto.stato == stato
        assert not TransizioneProgetto.objects.exists()
    elif stato not in PARTENZE[azione]:
        with pytest.raises(TransizioneNonConsentita):
            workflow.esegui(progetto, azione, user, nota="osservazioni")
        progetto.refresh_from_db()
        assert progetto.stato == stato
        assert not TransizioneProgetto.objects.exists()
    else:
        transizione = workflow.esegui(progetto, azione, user, nota="osservazioni")
        progetto.refresh_from_db()
        assert progetto.stato == _arrivo(azione, stato)
        assert (transizione.da_stato, transizione.a_stato, transizione.utente) == (
            stato,
            _arrivo(azione, stato),
            user,
        )


def test_rimandare_senza_osservazioni_non_e_possibile(ufficio_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.INVIATO)
    with pytest.raises(TransizioneNonConsentita):
        workflow.esegui(progetto, Azione.RIMANDA, ufficio_a, nota="   ")
    progetto.refresh_from_db()
    assert progetto.stato == S.INVIATO


def test_la_pubblicazione_segna_la_data(ufficio_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO)
    workflow.esegui(progetto, Azione.PUBBLICA, ufficio_a)
    progetto.refresh_from_db()
    assert progetto.pubblicato_il is not None


def test_ogni_passaggio_e_scritto_alle_persone_interessate(
    django_capture_on_commit_callbacks, referente_a, ufficio_a, ufficio_b, referente_b, scuola_a
):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.INVIATO, titolo="Robotica in officina")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.esegui(progetto, Azione.RIMANDA, ufficio_a, nota="Mancano le ore di sicurezza.")
    destinatari = sorted(m.to[0] for m in mail.outbox)
    # The coordinator of the school is told; the office that acted is not; other districts never.
    assert destinatari == ["referente_a@example.org"]
    messaggio = mail.outbox[0]
    assert "Robotica in officina" in messaggio.subject
    assert "Mancano le ore di sicurezza." in messaggio.body
    assert messaggio.alternatives[0][1] == "text/html"
    assert f"/progetti/{progetto.pk}/" in messaggio.body


def test_l_invio_e_scritto_all_ufficio_del_distretto(
    django_capture_on_commit_callbacks, referente_a, ufficio_a, ufficio_b, scuola_a
):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.BOZZA)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.esegui(progetto, Azione.INVIA, referente_a)
    assert sorted(m.to[0] for m in mail.outbox) == ["ufficio_a@example.org"]


@pytest.mark.parametrize("stato", [S.VALIDATO, S.PUBBLICATO, S.IN_CORSO])
def test_modificare_cio_che_l_ufficio_ha_validato_lo_rimanda_in_revisione(referente_a, scuola_a, stato):
    progetto = ProgettoFactory(scuola=scuola_a, stato=stato)
    transizione = workflow.dopo_modifica(progetto, referente_a, {"titolo", "ore_svolte"})
    progetto.refresh_from_db()
    assert progetto.stato == S.INVIATO
    assert (transizione.da_stato, transizione.a_stato) == (stato, S.INVIATO)
    assert "titolo" in transizione.nota and "ore svolte" in transizione.nota


@pytest.mark.parametrize("stato", [S.VALIDATO, S.PUBBLICATO, S.IN_CORSO, S.CONCLUSO])
def test_il_consuntivo_e_le_date_non_rimandano_all_ufficio_ma_restano_nella_storia(
    referente_a, scuola_a, stato
):
    progetto = ProgettoFactory(scuola=scuola_a, stato=stato)
    transizione = workflow.dopo_modifica(progetto, referente_a, {"ore_svolte", "risultati", "data_fine"})
    progetto.refresh_from_db()
    assert progetto.stato == stato
    assert (transizione.da_stato, transizione.a_stato) == (stato, stato)
    assert transizione.nota == "Modificati: data di fine, ore svolte, risultati."


@pytest.mark.parametrize("stato", [S.BOZZA, S.RIMANDATO, S.INVIATO])
def test_modificare_negli_altri_stati_non_cambia_lo_stato(referente_a, scuola_a, stato):
    progetto = ProgettoFactory(scuola=scuola_a, stato=stato)
    assert workflow.dopo_modifica(progetto, referente_a, {"titolo"}).a_stato == stato
    assert workflow.dopo_modifica(progetto, referente_a, set()) is None
    progetto.refresh_from_db()
    assert progetto.stato == stato


def test_gli_stati_modificabili_dalla_scuola_sono_quelli_della_tabella():
    # The queryset (models) and the table (workflow) must say the same: a state added to one only fails.
    dalla_tabella = {
        s for s, fase in workflow.CAMPI_PER_STATO.items() if fase.campi and workflow.SCUOLA in fase.chi
    }
    assert dalla_tabella == set(STATI_MODIFICABILI)
    assert set(workflow.CAMPI_PER_STATO) == set(S)


@pytest.mark.parametrize("stato", list(S))
@pytest.mark.parametrize("persona", PERSONE)
def test_chi_puo_modificare_il_contenuto(request, scuola_a, persona, stato):
    user = _persona(request, persona)
    progetto = ProgettoFactory(scuola=scuola_a, stato=stato)
    if persona in ("staff", "superuser"):
        atteso = stato != S.ARCHIVIATO
    elif persona == "referente_a":
        # Under review (inviato) the school withdraws it first; archived projects are history.
        atteso = stato not in (S.INVIATO, S.ARCHIVIATO)
    else:
        atteso = False
    assert workflow.puo_modificare(user, progetto) is atteso
    assert Progetto.objects.modificabili_da(user).filter(pk=progetto.pk).exists() is atteso


@pytest.mark.parametrize("stato", list(S))
@pytest.mark.parametrize("persona", PERSONE)
def test_chi_vede_il_progetto(request, scuola_a, persona, stato):
    user = _persona(request, persona)
    progetto = ProgettoFactory(scuola=scuola_a, stato=stato, consenso_vetrina=True)
    if persona in ("staff", "superuser", "referente_a"):
        atteso = True
    elif persona == "ufficio_a":
        atteso = stato != S.BOZZA
    else:
        atteso = stato == S.PUBBLICATO
    assert Progetto.objects.visibili_a(user).filter(pk=progetto.pk).exists() is atteso


@pytest.mark.parametrize("stato", [S.IN_CORSO, S.CONCLUSO])
def test_i_visitatori_vedono_in_corso_e_conclusi_solo_se_gia_pubblicati(scuola_a, stato, ufficio_b):
    mai_pubblicato = ProgettoFactory(scuola=scuola_a, stato=stato, consenso_vetrina=True)
    pubblicato = ProgettoPubblicatoFactory(scuola=scuola_a, stato=stato)
    for user in (None, ufficio_b):
        assert set(Progetto.objects.visibili_a(user)) == {pubblicato}
    assert set(Progetto.objects.pubblicati()) == {pubblicato}
    assert pubblicato.e_pubblico and not mai_pubblicato.e_pubblico


def test_concludere_senza_ore_svolte_non_e_possibile(referente_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.IN_CORSO, ore_svolte=0)
    with pytest.raises(TransizioneNonConsentita, match="ore svolte"):
        workflow.esegui(progetto, Azione.CONCLUDI, referente_a)
    progetto.refresh_from_db()
    assert progetto.stato == S.IN_CORSO


def test_i_visitatori_non_vedono_i_pubblicati_senza_consenso(scuola_a, ufficio_b):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.PUBBLICATO, consenso_vetrina=False)
    assert not Progetto.objects.visibili_a(None).filter(pk=progetto.pk).exists()
    assert not Progetto.objects.visibili_a(ufficio_b).filter(pk=progetto.pk).exists()
    assert not Progetto.objects.pubblicati().filter(pk=progetto.pk).exists()


def test_copia_all_anno_successivo(referente_a, scuola_a, organizzazione):
    from distretti.models import AmbitoTematico
    from tests.factories import comune

    originale = ProgettoFactory(
        scuola=scuola_a,
        stato=S.PUBBLICATO,
        anno_scolastico="2025/26",
        ore_svolte=38,
        risultati="Ottimi",
        ospitanti=[organizzazione],
    )
    originale.ambiti.set(AmbitoTematico.objects.all()[:2])
    originale.comuni.set([comune("Bologna")])
    copia = workflow.copia_anno_successivo(originale, referente_a)
    assert copia.pk != originale.pk
    assert copia.anno_scolastico == "2026/27"
    assert copia.stato == S.BOZZA
    assert copia.titolo == originale.titolo
    assert copia.copiato_da == originale
    assert copia.ore_svolte == 0 and copia.studenti_totale == 0 and copia.risultati == ""
    assert list(copia.ambiti.all()) == list(originale.ambiti.all())
    assert [c.nome for c in copia.comuni.all()] == ["Bologna"]
    assert list(copia.partecipazioni.values_list("organizzazione", "ruolo")) == [
        (organizzazione.pk, ProgettoOrganizzazione.Ruolo.OSPITANTE)
    ]
    originale.refresh_from_db()
    assert originale.stato == S.PUBBLICATO


@pytest.mark.parametrize("persona", ["ufficio_a", "referente_b", "ufficio_b", "referente_org", "anonimo"])
def test_solo_la_scuola_copia_il_progetto(request, scuola_a, persona):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.PUBBLICATO)
    with pytest.raises(PermissionDenied):
        workflow.copia_anno_successivo(progetto, _persona(request, persona))
    assert Progetto.objects.count() == 1


def test_la_storia_del_progetto_e_registrata_da_pghistory(referente_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a)
    workflow.esegui(progetto, Azione.INVIA, referente_a)
    eventi = list(progetto.events.order_by("pgh_id").values_list("pgh_label", "stato"))
    assert eventi == [("insert", "bozza"), ("update", "inviato")]
