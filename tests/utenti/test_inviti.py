"""Invitations with a pre-approved role: signed, expiring, single-use links."""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from alternanza.utenti.models import Invito
from distretti.models import StatoIncarico
from distretti.permissions import ambito_di
from tests.conftest import entra

pytestmark = pytest.mark.django_db

PASSWORD = "una-password-robusta-2026"


def _invita(client, staff, **dati):
    entra(client, staff)
    risposta = client.post(reverse("utenti:inviti"), dati)
    assert risposta.status_code == 302, risposta.content.decode()[:2000]
    (messaggio,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/\S*/invito/\S+/)", messaggio.body).group(1)
    entra(client, None)
    return link


def _crea_account(client, link):
    return client.post(
        link, {"first_name": "Giulia", "last_name": "Bianchi", "password1": PASSWORD, "password2": PASSWORD}
    )


def test_invito_crea_account_con_ruolo_gia_approvato(client, staff, scuola_a):
    link = _invita(
        client, staff, email="giulia@example.org", ruolo="scuola", scuola=scuola_a.codice_meccanografico
    )
    assert client.get(link).status_code == 200
    risposta = _crea_account(client, link)
    assert risposta.status_code == 302 and risposta["Location"] == reverse("utenti:profilo")
    utente = get_user_model().objects.get(email="giulia@example.org")
    incarico = utente.incarichi.get()
    assert incarico.stato == StatoIncarico.APPROVATO and incarico.deciso_da == staff
    assert ambito_di(utente).scuole == {scuola_a.pk}
    assert utente.emailaddress_set.get().verified
    assert client.get(reverse("utenti:profilo")).status_code == 200  # logged in
    assert Invito.objects.get().usato_il is not None


def test_invito_scaduto_ha_un_messaggio_chiaro(client, staff, distretto_a):
    with time_machine.travel("2026-11-01 10:00 +0000", tick=False) as viaggio:
        link = _invita(
            client, staff, email="ufficio@example.org", ruolo="distretto", distretto=distretto_a.pk
        )
        viaggio.shift(6 * 86400)
        assert client.get(link).status_code == 200
        viaggio.shift(2 * 86400)
        risposta = client.get(link)
        assert risposta.status_code == 410
        assert "scaduto" in risposta.content.decode()
        _crea_account(client, link)
    assert not get_user_model().objects.filter(email="ufficio@example.org").exists()


@pytest.mark.parametrize("manomissione", ["firma", "id"])
def test_invito_manomesso_rifiutato(client, staff, distretto_a, manomissione):
    link = _invita(client, staff, email="x@example.org", ruolo="staff")
    token = link.rstrip("/").rsplit("/", 1)[1]
    pk, resto = token.split(":", 1)
    falso = (
        f"{pk}:{resto[:-1]}{'A' if resto[-1] != 'A' else 'B'}"
        if manomissione == "firma"
        else f"{int(pk) + 1}:{resto}"
    )
    risposta = client.get(reverse("utenti:accetta_invito", kwargs={"token": falso}))
    assert risposta.status_code == 400
    assert "non è valido" in risposta.content.decode()


def test_invito_si_usa_una_volta_sola(client, staff, scuola_a):
    link = _invita(
        client, staff, email="giulia@example.org", ruolo="scuola", scuola=scuola_a.codice_meccanografico
    )
    _crea_account(client, link)
    entra(client, None)
    risposta = client.get(link)
    assert risposta.status_code == 410 and "già stato usato" in risposta.content.decode()


def test_invito_a_utente_esistente_aggiunge_il_ruolo_dopo_l_accesso(client, staff, referente_a, scuola_b):
    link = _invita(
        client, staff, email=referente_a.email, ruolo="scuola", scuola=scuola_b.codice_meccanografico
    )
    risposta = client.get(link)
    assert risposta.status_code == 302 and risposta["Location"].startswith(reverse("account_login"))
    entra(client, referente_a)
    assert client.post(link).status_code == 302
    assert referente_a.incarichi.filter(scuola=scuola_b, stato=StatoIncarico.APPROVATO).exists()


def test_invito_aperto_da_un_altro_utente_e_rifiutato(client, staff, referente_b, scuola_a):
    link = _invita(
        client, staff, email="giulia@example.org", ruolo="scuola", scuola=scuola_a.codice_meccanografico
    )
    entra(client, referente_b)
    assert client.get(link).status_code == 403
    assert not Invito.objects.get().usato_il


def test_invitato_come_staff_deve_configurare_la_mfa(client, staff):
    link = _invita(client, staff, email="nuovo.staff@example.org", ruolo="staff")
    _crea_account(client, link)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_solo_lo_staff_invita(client, ufficio_a, distretto_a):
    entra(client, ufficio_a)
    assert (
        client.post(reverse("utenti:inviti"), {"email": "a@example.org", "ruolo": "staff"}).status_code == 403
    )
    assert not Invito.objects.exists()


def test_invito_non_segue_un_indirizzo_non_verificato(client, staff, referente_b, scuola_a):
    """Anyone can add an unverified address to their account: it must not catch someone's invitation."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=referente_b, email="giulia@example.org", verified=False, primary=False)
    link = _invita(
        client, staff, email="giulia@example.org", ruolo="scuola", scuola=scuola_a.codice_meccanografico
    )
    entra(client, referente_b)
    client.post(link)
    assert not referente_b.incarichi.filter(scuola=scuola_a).exists()
    assert not Invito.objects.get().usato_il
