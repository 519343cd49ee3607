"""The 403 page says why a page was refused and what to do next (issue 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from distretti.models import Incarico, StatoIncarico
from tests.conftest import entra
from tests.factories import IncaricoFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_ruolo_in_attesa_spiega_chi_decide_e_cosa_succede(client, scuola_a):
    utente = UserFactory()
    IncaricoFactory(
        utente=utente, ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_a, stato=StatoIncarico.RICHIESTO
    )
    risposta = entra(client, utente).get(reverse("progetti:nuovo"))
    assert risposta.status_code == 403
    html = risposta.content.decode()
    assert "Il tuo ruolo non permette" not in html
    assert "Questa pagina è riservata ai referenti scolastici e allo staff della Città metropolitana." in html
    assert "La tua richiesta è in attesa" in html
    assert "ufficio tecnico del distretto Bologna" in html
    assert "Riceverai un" in html
    assert reverse("area:home") in html


def test_senza_richieste_il_403_dice_come_chiedere_il_ruolo(client):
    risposta = entra(client, UserFactory()).get(reverse("utenti:sicurezza"))
    assert risposta.status_code == 403
    html = risposta.content.decode()
    assert "Questa pagina è riservata allo staff della Città metropolitana." in html
    assert reverse("utenti:richiedi_ruolo") in html


def test_un_referente_rifiutato_su_una_pagina_d_ufficio_sa_perche(client, referente_a):
    risposta = entra(client, referente_a).get(reverse("progetti:revisione"))
    assert risposta.status_code == 403
    html = risposta.content.decode()
    assert "uffici tecnici distrettuali" in html
    assert "trovi lì gli strumenti dei tuoi ruoli" in html


def test_un_403_con_un_messaggio_proprio_lo_mostra(client, referente_a):
    risposta = entra(client, referente_a).get(reverse("report:elenco"))
    assert risposta.status_code == 403
    assert "I report sono riservati allo staff e agli uffici distrettuali." in risposta.content.decode()
