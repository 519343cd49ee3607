"""The SPID journey in Chromium, against a local test identity provider (tests/spid/idp_di_prova.py):
"Entra con SPID" → choose the IdP → log in there → the workspace with the right role, no TOTP prompt for
staff (SPID L2 is the second factor); logout ends the portal session and sends SPID's Single Logout.
Also the login page with the SPID button at 1280 and 360 px (axe, no console/CSP errors)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alternanza.spid import registro
from alternanza.spid.models import IdentitaSpid, ProviderSpid, impronta_codice_fiscale
from tests.browser.aiuti import verifica_axe, verifica_console
from tests.factories import staff_cm
from tests.spid.conftest import certificato_sp, chiavi_idp  # noqa: F401 - fixture
from tests.spid.idp_di_prova import IdpDiProva

pytestmark = pytest.mark.browser
CF = "RSSGLI80A41A944X"


@pytest.fixture
def idp(live_server, settings, tmp_path, chiavi_idp):  # noqa: F811
    cert, chiave = certificato_sp(tmp_path / "sp", live_server.url)
    settings.SITE_URL = settings.SPID_ENTITY_ID = live_server.url
    settings.SPID_CERT_FILE, settings.SPID_KEY_FILE = str(cert), str(chiave)
    settings.SPID_ATTIVO = True
    prova = IdpDiProva(chiavi_idp).avvia()
    prova.cert_sp = cert
    registro.aggiorna(registro.leggi(prova.metadata().encode()))
    yield prova
    prova.ferma()


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_pagina_di_accesso_con_spid(contesto, idp, larghezza):
    pagina = contesto(viewport={"width": larghezza, "height": 900}).new_page()
    pagina.goto(reverse("account_login"))
    pagina.locator("summary.spid-pulsante").click()
    assert pagina.get_by_role("link", name="IdP di prova").is_visible()
    assert pagina.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    pagina.screenshot(path=f"tests/artifacts/spid-accesso-{larghezza}.png", full_page=True)
    verifica_axe(pagina)
    verifica_console(pagina)


def test_entra_con_spid_staff_senza_totp_ed_esce(contesto, idp, live_server):
    staff = staff_cm(mfa=False, utente__first_name="Giulia", utente__last_name="Rossi")
    IdentitaSpid.objects.create(utente=staff, impronta=impronta_codice_fiscale(CF))
    pagina = contesto(java_script_enabled=False).new_page()
    pagina.goto(reverse("account_login"))
    pagina.locator("summary.spid-pulsante").click()
    pagina.get_by_role("link", name="IdP di prova").click()
    assert pagina.url.startswith(idp.url)
    pagina.get_by_label("Codice fiscale").fill(CF)
    pagina.get_by_role("button", name="Accedi").click()
    pagina.get_by_role("button", name="Continua verso il servizio").click()
    # Staff without TOTP: SPID L2 is the second factor, so no "set up two-step verification" detour.
    assert pagina.url == live_server.url + reverse("area:home")
    assert "Giulia Rossi" in pagina.content()
    assert "Staff" in pagina.locator("main").inner_text()
    pagina.screenshot(path="tests/artifacts/spid-area-staff.png", full_page=True)

    pagina.get_by_role("button", name="Esci").click()
    assert "Sei uscito dal portale" in pagina.locator("h1").inner_text()
    pagina.screenshot(path="tests/artifacts/spid-uscita.png", full_page=True)
    pagina.get_by_role("link", name="Esci anche da SPID").click()
    assert pagina.url.startswith(idp.url + "/slo")  # SPID Single Logout at the IdP
    assert idp.firme_verificate == 2  # the AuthnRequest and the LogoutRequest, signed with the SP key
    assert len(idp.uscite) == 1
    # The IdP sends the browser back with its signed LogoutResponse: the round trip is over.
    pagina.get_by_role("link", name="Torna al servizio").click()
    assert pagina.url.startswith(live_server.url + reverse("spid:sls"))
    assert "Sei uscito dal portale e da SPID." in pagina.locator("main").inner_text()
    pagina.goto(reverse("area:home"))
    assert reverse("account_login") in pagina.url  # the portal session is over


def test_nuova_persona_va_alla_richiesta_di_ruolo(contesto, idp, live_server):
    pagina = contesto(java_script_enabled=False).new_page()
    pagina.goto(reverse("account_signup"))
    pagina.locator("summary.spid-pulsante").click()
    pagina.get_by_role("link", name="IdP di prova").click()
    pagina.get_by_label("Codice fiscale").fill(CF)
    pagina.get_by_role("button", name="Accedi").click()
    pagina.get_by_role("button", name="Continua verso il servizio").click()
    assert pagina.url == live_server.url + reverse("utenti:richiedi_ruolo")
    identita = IdentitaSpid.objects.get()
    assert identita.utente.email == "giulia.rossi@example.org"
    assert not identita.utente.has_usable_password()
    assert ProviderSpid.objects.filter(attivo=True).count() == 1


def test_collega_spid_a_un_account_esistente(contesto, idp, live_server):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    utente = UserFactory(email="giulia.rossi@example.org", password="una-password-lunga-1")
    EmailAddress.objects.get_or_create(
        user=utente, email=utente.email, defaults={"verified": True, "primary": True}
    )
    pagina = contesto(java_script_enabled=False).new_page()
    pagina.goto(reverse("account_login"))
    pagina.locator("input[name=login]").fill(utente.email)
    pagina.locator("input[name=password]").fill("una-password-lunga-1")
    pagina.locator("form[action$='/account/login/'] button[type=submit]").click()
    pagina.goto(reverse("utenti:profilo"))
    pagina.get_by_role("button", name="Collega SPID").click()
    # Logged in with the password a moment ago: allauth counts that as a recent authentication, so no
    # second password prompt here (tests/spid/test_spid.py covers the prompt after a while).
    pagina.get_by_role("link", name="Prosegui verso il gestore di identità").click()
    pagina.get_by_label("Codice fiscale").fill(CF)
    pagina.get_by_role("button", name="Accedi").click()
    pagina.get_by_role("button", name="Continua verso il servizio").click()
    assert pagina.url == live_server.url + reverse("utenti:profilo")
    assert "Identità SPID collegata al tuo account." in pagina.content()
    assert "SPID collegato" in pagina.content()
    assert IdentitaSpid.objects.get().utente == utente


@pytest.fixture
def idp_cie(idp, settings, tmp_path, chiavi_idp):  # noqa: F811
    """A second test IdP playing CIE ID (it releases CIE's attributes: no e-mail), next to the SPID one."""
    cie = IdpDiProva(chiavi_idp).avvia()
    cie.attributi = {"name": "Giulia", "familyName": "Rossi", "dateOfBirth": "1980-01-01"}
    file_cie = tmp_path / "cie-idp.xml"
    file_cie.write_text(cie.metadata())
    settings.CIE_IDP_METADATA_FILE = str(file_cie)
    settings.CIE_ATTIVO = True
    yield cie
    cie.ferma()


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_accesso_e_registrazione_con_spid_e_cie(contesto, idp_cie, larghezza):
    pagina = contesto(viewport={"width": larghezza, "height": 900}).new_page()
    for nome, file in (("account_login", "accesso"), ("account_signup", "registrazione")):
        pagina.goto(reverse(nome))
        cie = pagina.get_by_role("link", name="Entra con CIE")
        assert cie.is_visible()
        assert pagina.locator("a.cie-pulsante img").evaluate("i => i.complete && i.naturalWidth > 0")
        pagina.locator("summary.spid-pulsante").click()
        assert pagina.get_by_role("link", name="IdP di prova").is_visible()
        assert pagina.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        pagina.screenshot(path=f"tests/artifacts/spid-cie-{file}-{larghezza}.png", full_page=True)
        verifica_axe(pagina)
        verifica_console(pagina)


def test_prima_volta_con_cie_chiede_l_email_e_va_alla_richiesta_di_ruolo(contesto, idp_cie, live_server):
    pagina = contesto(java_script_enabled=False).new_page()
    pagina.goto(reverse("account_signup"))
    pagina.get_by_role("link", name="Entra con CIE").click()
    assert pagina.url.startswith(idp_cie.url)
    pagina.get_by_label("Codice fiscale").fill(CF)
    pagina.get_by_role("button", name="Accedi").click()
    pagina.get_by_role("button", name="Continua verso il servizio").click()
    assert "Completa l'accesso con CIE" in pagina.locator("h1").inner_text()
    pagina.get_by_label("Indirizzo e-mail").fill("giulia.cie@example.org")
    pagina.screenshot(path="tests/artifacts/cie-email.png", full_page=True)
    pagina.get_by_role("button", name="Crea l'account").click()
    assert pagina.url == live_server.url + reverse("utenti:richiedi_ruolo")
    identita = IdentitaSpid.objects.get()
    assert identita.impronta == impronta_codice_fiscale(CF)
    assert identita.utente.email == "giulia.cie@example.org"
    # CIE ID has no SAML Single Logout: the logout ends the portal session and says nothing of SPID.
    pagina.get_by_role("button", name="Esci").click()
    assert idp_cie.uscite == []
    pagina.goto(reverse("area:home"))
    assert reverse("account_login") in pagina.url
