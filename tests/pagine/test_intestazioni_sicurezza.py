"""Rules found loose by the security review: Permissions-Policy on every answer, the CSRF refusal in the
portal's layout (not Django's bare English page)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_permissions_policy_nega_le_funzioni_del_browser_non_usate(client):
    politica = client.get("/")["Permissions-Policy"]
    for funzione in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert funzione in politica


def test_csrf_fallito_mostra_la_pagina_del_portale():
    risposta = Client(enforce_csrf_checks=True).post("/valutazione/", {"pagina": "/", "voto": 4})
    assert risposta.status_code == 403
    testo = risposta.content.decode()
    assert "Il modulo non è più valido" in testo
    assert "Rete metropolitana per l" in testo  # the portal's header
    assert "CSRF verification failed" not in testo


def test_csrf_fallito_in_inglese():
    risposta = Client(enforce_csrf_checks=True).post(
        "/en/account/login/", {"login": "a@b.it", "password": "x"}
    )
    assert risposta.status_code == 403
    assert "This form is no longer valid" in risposta.content.decode()
