"""Tutors of a project (school and each host: adults, reserved area only) and the host's convenzione as
the project page shows it to the people of the project."""

import datetime

import pytest
from django.urls import reverse

from alternanza.progetti import opendata
from alternanza.progetti.models import ProgettoOrganizzazione, StatoProgetto, TransizioneProgetto
from tests.conftest import entra
from tests.partnership.factories import ConvenzioneFactory
from tests.progetti.factories import ProgettoPubblicatoFactory
from tests.progetti.test_fasi import _consuntivo

S = StatoProgetto
pytestmark = pytest.mark.django_db


def _con_ospitante(progetto, partecipazione, **tutor):
    riga = {
        "org-TOTAL_FORMS": 1,
        "org-INITIAL_FORMS": 1,
        "org-0-id": partecipazione.pk,
        "org-0-progetto": progetto.pk,
        "org-0-organizzazione": partecipazione.organizzazione.nome,
        "org-0-ruolo": partecipazione.ruolo,
    }
    riga.update({f"org-0-{k}": v for k, v in tutor.items()})
    return riga


def test_i_tutor_si_registrano_in_corso_senza_tornare_all_ufficio_e_restano_riservati(
    client, referente_a, scuola_a, organizzazione
):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=S.IN_CORSO, ospitanti=[organizzazione])
    partecipazione = ProgettoOrganizzazione.objects.get(progetto=progetto)
    entra(client, referente_a)
    dati = _consuntivo(
        progetto,
        tutor_scuola_nome="Prof.ssa Anna Neri",
        tutor_scuola_ruolo="Docente di meccanica",
        tutor_scuola_email="anna.neri@scuola.example.org",
        **_con_ospitante(
            progetto,
            partecipazione,
            tutor_nome="Marco Bianchi",
            tutor_ruolo="Responsabile di produzione",
            tutor_email="m.bianchi@azienda.example.org",
        ),
    )
    risposta = client.post(reverse("progetti:modifica", args=[progetto.pk]), dati)
    assert risposta.status_code == 302
    progetto.refresh_from_db()
    partecipazione.refresh_from_db()
    assert progetto.stato == S.IN_CORSO
    assert (partecipazione.tutor_nome, partecipazione.tutor_email) == (
        "Marco Bianchi",
        "m.bianchi@azienda.example.org",
    )
    nota = TransizioneProgetto.objects.get(progetto=progetto).nota
    assert "tutor scolastico" in nota and "tutor delle organizzazioni" in nota
    url = reverse("progetti:progetto", args=[progetto.pk])
    riservata = client.get(url).content.decode()
    assert "Marco Bianchi" in riservata and "anna.neri@scuola.example.org" in riservata
    client.logout()
    pubblica = client.get(url).content.decode()
    assert "Marco Bianchi" not in pubblica and "Anna Neri" not in pubblica
    assert "m.bianchi@azienda.example.org" not in pubblica
    # Nor in the open data: no column of the projects dataset names a tutor.
    assert not [c.nome for c in opendata.CAMPI_PROGETTI if "tutor" in c.nome]


def test_un_e_mail_del_tutor_sbagliata_e_segnalata_al_campo_e_il_resto_resta(client, referente_a, scuola_a):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=S.IN_CORSO)
    entra(client, referente_a)
    risposta = client.post(
        reverse("progetti:modifica", args=[progetto.pk]),
        _consuntivo(progetto, tutor_scuola_nome="Anna Neri", tutor_scuola_email="anna.neri@"),
    )
    assert risposta.status_code == 200
    assert risposta.context["form"].errors["tutor_scuola_email"]
    assert 'value="Anna Neri"' in risposta.content.decode()


def test_la_pagina_spiega_la_convenzione_mancante_e_come_registrarla(
    client, referente_a, ufficio_a, scuola_a, organizzazione
):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, ospitanti=[organizzazione])
    url = reverse("progetti:progetto", args=[progetto.pk])
    entra(client, referente_a)
    testo = client.get(url).content.decode()
    assert "Convenzione mancante" in testo
    assert "Per ospitare studenti serve una convenzione" in testo
    assert f"{reverse('partnership:convenzione_nuova')}?organizzazione={organizzazione.pk}" in testo
    # The office reads the same explanation, without a link it could not use.
    entra(client, ufficio_a)
    testo = client.get(url).content.decode()
    assert "Per ospitare studenti serve una convenzione" in testo
    assert reverse("partnership:convenzione_nuova") not in testo


def test_la_pagina_collega_la_convenzione_registrata(client, referente_a, scuola_a, organizzazione):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, ospitanti=[organizzazione])
    convenzione = ConvenzioneFactory(
        scuola=scuola_a,
        organizzazione=organizzazione,
        scadenza=datetime.date.today() + datetime.timedelta(days=90),
    )
    entra(client, referente_a)
    testo = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    assert reverse("partnership:convenzione", args=[convenzione.pk]) in testo
    assert "Convenzione mancante" not in testo
