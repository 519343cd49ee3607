"""First login of staff and district offices: no second password prompt, MFA set-up ends in the workspace."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD_TEST, staff_cm, ufficio_distretto

pytestmark = pytest.mark.django_db


def _codice(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("crea", [staff_cm, ufficio_distretto], ids=["staff", "ufficio"])
def test_primo_accesso_senza_seconda_password_e_poi_l_area(client, crea, distretto_a):
    utente = crea(mfa=False) if crea is staff_cm else crea(distretto_a, mfa=False)
    risposta = client.post(
        reverse("account_login"), {"login": utente.email, "password": PASSWORD_TEST}, follow=True
    )
    percorso = [url for url, _ in risposta.redirect_chain]
    assert not any(reverse("account_reauthenticate") in url for url in percorso), percorso
    assert risposta.request["PATH_INFO"] == reverse("mfa_activate_totp")
    risposta = client.post(
        reverse("mfa_activate_totp"), {"code": _codice(client.session[SECRET_SESSION_KEY])}, follow=True
    )
    assert risposta.request["PATH_INFO"] == reverse("mfa_view_recovery_codes")
    html = risposta.content.decode()
    assert "Salva questi codici" in html
    assert f'href="{reverse("area:home")}"' in html
    assert client.get(reverse("area:home")).status_code == 200


def test_la_conferma_della_password_torna_dopo_il_timeout(client):
    utente = staff_cm(mfa=False)
    client.post(reverse("account_login"), {"login": utente.email, "password": PASSWORD_TEST})
    sessione = client.session
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    record = sessione[AUTHENTICATION_METHODS_SESSION_KEY]
    assert record[-1]["method"] == "password" and record[-1]["reauthenticated"] is True
    for riga in record:
        riga["at"] -= 301  # allauth's default ACCOUNT_REAUTHENTICATION_TIMEOUT is 300 s
    sessione[AUTHENTICATION_METHODS_SESSION_KEY] = record
    sessione.save()
    risposta = client.get(reverse("mfa_activate_totp"))
    assert risposta.status_code == 302 and reverse("account_reauthenticate") in risposta["Location"]
