"""Signup asks the role first, then only that role's fields (no JavaScript needed)."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.urls import reverse

URL = reverse("account_signup")


def test_il_primo_passo_chiede_solo_il_ruolo(client, db):
    html = client.get(URL).content.decode()
    assert "Passo 1 di 2" in html
    assert re.search(r'<form method="get" action="/account/signup/"', html)
    assert 'name="ruolo"' in html and 'value="organizzazione"' in html
    assert 'name="password1"' not in html and 'name="scuola"' not in html


def test_il_secondo_passo_mostra_solo_i_campi_del_ruolo(client, db):
    html = client.get(URL, {"ruolo": "scuola"}).content.decode()
    assert "Passo 2 di 2" in html
    assert 'name="scuola"' in html and 'name="password1"' in html
    assert re.search(r'<input type="hidden" name="ruolo" value="scuola"', html)
    for altro in ("distretto", "organizzazione", "nuova_organizzazione_nome", "nuova_organizzazione_cf"):
        assert f'name="{altro}"' not in html
    html = client.get(URL, {"ruolo": "organizzazione"}).content.decode()
    assert 'name="organizzazione"' in html and 'name="nuova_organizzazione_cf"' in html
    assert 'name="scuola"' not in html and 'name="distretto"' not in html


def test_un_ruolo_sconosciuto_torna_al_primo_passo(client, db):
    assert "Passo 1 di 2" in client.get(URL, {"ruolo": "capo"}).content.decode()


def test_registrazione_nel_secondo_passo_con_errori_resta_sul_ruolo(client, db):
    risposta = client.post(
        URL,
        {
            "email": "nuova@example.org",
            "first_name": "Anna",
            "last_name": "Rossi",
            "password1": "una-password-robusta-2026",
            "password2": "una-password-robusta-2026",
            "ruolo": "scuola",
            "scuola": "",
        },
    )
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "Passo 2 di 2" in html and "Indica la scuola." in html
    assert '<a href="#id_scuola">' in html
    assert 'name="distretto"' not in html
    assert not User.objects.filter(email="nuova@example.org").exists()


def test_registrazione_completa_per_il_ruolo_scelto(client, scuola_a):
    risposta = client.post(
        URL,
        {
            "email": "nuova@example.org",
            "first_name": "Anna",
            "last_name": "Rossi",
            "password1": "una-password-robusta-2026",
            "password2": "una-password-robusta-2026",
            "ruolo": "scuola",
            "scuola": scuola_a.codice_meccanografico,
        },
    )
    assert risposta.status_code == 302
    assert User.objects.get(email="nuova@example.org").incarichi.get().scuola == scuola_a
