""" "Entra con CIE" without the live server: off unless configured, the button on the login and signup
pages, the e-mail step of a first CIE login (CIE ID releases no e-mail), a fiscal number already known
through SPID logging straight in, the CIE SP metadata."""

from __future__ import annotations

import base64
import urllib.parse
import zlib

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from lxml import etree

from alternanza.spid.models import IdentitaSpid, impronta_codice_fiscale
from alternanza.spid.views import CHIAVE_SESSIONE, COOKIE_RICHIESTA
from alternanza.utenti.middleware import CHIAVE_MFA_OK
from tests.factories import UserFactory, staff_cm
from tests.spid.conftest import certificato_sp
from tests.spid.idp_di_prova import IdpDiProva

pytestmark = pytest.mark.django_db
CF = "RSSGLI80A41A944X"


@pytest.fixture
def spid_acceso(settings, tmp_path):
    cert, chiave = certificato_sp(tmp_path, "http://testserver")
    settings.SITE_URL = settings.SPID_ENTITY_ID = "http://testserver"
    settings.SPID_CERT_FILE, settings.SPID_KEY_FILE = str(cert), str(chiave)
    settings.SPID_ATTIVO = True


@pytest.fixture
def cie(spid_acceso, settings, tmp_path, chiavi_idp):
    """CIE on, with the test IdP (not started: it only signs) as CIE ID; it releases CIE's attributes."""
    idp = IdpDiProva(chiavi_idp)
    idp.attributi = {"name": "Giulia", "familyName": "Rossi", "dateOfBirth": "1980-01-01"}
    file_cie = tmp_path / "cie-idp.xml"
    file_cie.write_text(idp.metadata())
    settings.CIE_IDP_METADATA_FILE = str(file_cie)
    settings.CIE_ATTIVO = True
    yield idp
    idp.server.server_close()


def _risposta_cie(client, idp: IdpDiProva) -> str:
    """Start "Entra con CIE" and let the test IdP answer it: the signed SAMLResponse."""
    uscita = client.get(reverse("spid:accedi"), {"idp": idp.url})
    assert uscita.status_code == 302 and uscita["Location"].startswith(idp.url + "/sso?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uscita["Location"]).query)
    richiesta = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15))
    return base64.b64encode(idp.risposta(richiesta, CF).encode()).decode()


def test_senza_impostazioni_cie_nessun_pulsante(client, spid_acceso):
    assert client.get(reverse("spid:metadata_cie")).status_code == 404
    assert client.post(reverse("spid:completa_cie"), {"token": "x", "email": "a@b.it"}).status_code == 404
    pagina = client.get(reverse("account_login")).content.decode()
    assert "Entra con CIE" not in pagina and "cie-id.svg" not in pagina


def test_pulsante_entra_con_cie(client, cie):
    for nome in ("account_login", "account_signup"):
        pagina = client.get(reverse(nome) + "?next=/area-riservata/").content.decode()
        sezione = pagina.split("accesso-spid", 1)[1].split("</section>", 1)[0]
        assert "Entra con CIE" in sezione
        assert "?idp=" + urllib.parse.quote(cie.url, safe="") + "&amp;next=%2Farea-riservata%2F" in sezione
        assert "/static/img/cie-id" in sezione and "<script" not in sezione


def test_metadata_cie_con_le_estensioni_cie(client, cie, settings):
    xml = etree.fromstring(client.get(reverse("spid:metadata_cie")).content)
    ns = {
        "md": "urn:oasis:names:tc:SAML:2.0:metadata",
        "cie": "https://www.cartaidentita.interno.gov.it/saml-extensions",
    }
    assert xml.get("entityID") == settings.SPID_ENTITY_ID
    assert xml.xpath("//md:RequestedAttribute/@Name", namespaces=ns) == [
        "fiscalNumber",
        "name",
        "familyName",
        "dateOfBirth",
    ]
    contatto = xml.xpath("md:ContactPerson", namespaces=ns)
    assert [c.get("contactType") for c in contatto] == ["administrative"]
    assert xml.xpath("//cie:Municipality/text()", namespaces=ns) == ["A944"]
    assert xml.xpath("//cie:IPACode/text()", namespaces=ns) == [settings.SPID_CODICE_IPA]


def test_prima_volta_con_cie_chiede_l_email(client, cie, mailoutbox):
    risposta = client.post(reverse("spid:acs"), {"SAMLResponse": _risposta_cie(client, cie)})
    # The ACS answers with the e-mail form itself: no account yet, nobody logged in.
    assert risposta.status_code == 200
    assert "Completa l'accesso con CIE" in risposta.content.decode()
    assert "_auth_user_id" not in client.session and not IdentitaSpid.objects.exists()
    assert risposta.cookies[COOKIE_RICHIESTA].value == ""  # the pending request is over
    token = risposta.context["token"]

    esistente = UserFactory(email="gia.qui@example.org")
    EmailAddress.objects.get_or_create(user=esistente, email=esistente.email, defaults={"verified": True})
    rifiutata = client.post(reverse("spid:completa_cie"), {"token": token, "email": "GIA.QUI@example.org"})
    assert rifiutata.status_code == 200
    assert "Esiste già un account con questa e-mail" in str(rifiutata.context["form"].errors["email"])
    assert 'value="GIA.QUI@example.org"' in rifiutata.content.decode()  # what was typed stays
    assert not IdentitaSpid.objects.exists()

    fatta = client.post(reverse("spid:completa_cie"), {"token": token, "email": "giulia@example.org"})
    assert fatta.status_code == 302 and fatta["Location"] == reverse("utenti:richiedi_ruolo")
    identita = IdentitaSpid.objects.get()
    assert identita.impronta == impronta_codice_fiscale(CF)
    utente = identita.utente
    assert (utente.first_name, utente.last_name, utente.email) == ("Giulia", "Rossi", "giulia@example.org")
    assert not utente.has_usable_password()
    assert not EmailAddress.objects.get(user=utente).verified
    assert [m.to for m in mailoutbox] == [["giulia@example.org"]]  # the address is confirmed by mail
    assert client.session["_auth_user_id"] == str(utente.pk)
    assert client.session[CHIAVE_SESSIONE]["idp"] == cie.url

    # The same token a second time makes no second account.
    client.logout()
    di_nuovo = client.post(reverse("spid:completa_cie"), {"token": token, "email": "altra@example.org"})
    assert di_nuovo.status_code == 200 and "già registrati" in di_nuovo.content.decode()
    assert IdentitaSpid.objects.count() == 1 and "_auth_user_id" not in client.session


def test_token_alterato_rifiutato(client, cie):
    risposta = client.post(reverse("spid:completa_cie"), {"token": "abc:def", "email": "x@example.org"})
    assert risposta.status_code == 403
    assert "La richiesta di accesso è scaduta" in risposta.content.decode()


def test_codice_fiscale_gia_noto_da_spid_entra_con_cie_come_secondo_fattore(client, cie):
    """One identity per fiscal number: staff who linked SPID enter with CIE as well, with no TOTP step."""
    staff = staff_cm(mfa=True)
    IdentitaSpid.objects.create(utente=staff, impronta=impronta_codice_fiscale(CF))
    risposta = client.post(reverse("spid:acs"), {"SAMLResponse": _risposta_cie(client, cie)})
    assert risposta.status_code == 302 and risposta["Location"] == reverse("area:home")
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.session[CHIAVE_MFA_OK] is True
    assert client.get(reverse("area:home")).status_code == 200  # no detour to the TOTP prompt


def test_cie_livello_1_non_apre_la_sessione_di_uno_staff(client, cie, settings):
    settings.SPID_LIVELLO = 1
    cie.livello = "https://www.spid.gov.it/SpidL1"
    staff = staff_cm(mfa=True)
    IdentitaSpid.objects.create(utente=staff, impronta=impronta_codice_fiscale(CF))
    risposta = client.post(reverse("spid:acs"), {"SAMLResponse": _risposta_cie(client, cie)})
    assert risposta.status_code == 403
    assert "_auth_user_id" not in client.session
