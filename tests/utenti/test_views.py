"""allauth's pages render inside the portal's Bootstrap Italia layout, in Italian and English."""

import pytest
from django.urls import reverse

from tests.conftest import entra

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "lingua", "testo"),
    [
        ("/account/login/", "it", "Accedi"),
        ("/en/account/login/", "en", "Log in"),
        ("/account/signup/?ruolo=scuola", "it", "Ruolo richiesto"),
        ("/en/account/signup/?ruolo=scuola", "en", "Create the account"),
        ("/account/password/reset/", "it", "password"),
    ],
)
def test_pagine_di_accesso_nel_layout_del_portale(client, url, lingua, testo):
    risposta = client.get(url)
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert f'<html lang="{lingua}">' in html
    assert 'id="contenuto"' in html and 'class="skiplinks"' in html
    assert "form-control" in html and testo in html
    assert "style=" not in html  # strict CSP: no inline styles


def test_pagine_di_gestione_mostrano_il_menu_dell_area_riservata(client, staff):
    entra(client, staff)
    html = client.get(reverse("mfa_index")).content.decode()
    assert reverse("utenti:profilo") in html and reverse("account_change_password") in html
    assert "btn btn-primary" in html


def test_area_riservata_porta_all_area_e_da_li_al_profilo(client, referente_a):
    # issue 14: the header's "Area riservata" is the workspace, which links the profile
    entra(client, referente_a)
    assert f'href="{reverse("area:home")}"' in client.get(reverse("home")).content.decode()
    assert f'href="{reverse("utenti:profilo")}"' in client.get(reverse("area:home")).content.decode()


def test_pagine_dell_area_riservata_tradotte_in_inglese(client, referente_a):
    entra(client, referente_a)
    html = client.get("/en/account/profilo/").content.decode()
    assert "Your roles" in html and "Request a role" in html
    html = client.get("/en/account/profilo/nuovo-ruolo/").content.decode()
    assert "Role requested" in html and "Send the request" in html
