"""SPID Single Logout against the local test IdP (tests/spid/idp_di_prova.py, not started: it signs and
reads): the portal's signed LogoutRequest, the IdP's LogoutResponse checked (signature, InResponseTo),
a LogoutRequest started at the IdP ending the portal sessions of that IdP session and answered with a
signed LogoutResponse; unsigned or tampered messages refused."""

from __future__ import annotations

import base64
import html
import re
import urllib.parse
import zlib

import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree

from alternanza.spid import registro
from alternanza.spid.models import SessioneIdp
from alternanza.spid.views import CHIAVE_SESSIONE, COOKIE_RICHIESTA, COOKIE_USCITA
from tests.spid.conftest import certificato_sp
from tests.spid.idp_di_prova import NS, IdpDiProva

pytestmark = pytest.mark.django_db
CF = "RSSGLI80A41A944X"


@pytest.fixture
def idp(settings, tmp_path, chiavi_idp):
    cert, chiave = certificato_sp(tmp_path, "http://testserver")
    settings.SITE_URL = settings.SPID_ENTITY_ID = "http://testserver"
    settings.SPID_CERT_FILE, settings.SPID_KEY_FILE = str(cert), str(chiave)
    settings.SPID_ATTIVO = True
    prova = IdpDiProva(chiavi_idp)
    prova.cert_sp = cert
    registro.aggiorna(registro.leggi(prova.metadata().encode()))
    yield prova
    prova.server.server_close()


def _entra(client, idp) -> None:
    uscita = client.get(reverse("spid:accedi"), {"idp": idp.url})
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uscita["Location"]).query)
    richiesta = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15))
    risposta = base64.b64encode(idp.risposta(richiesta, CF).encode()).decode()
    assert client.post(reverse("spid:acs"), {"SAMLResponse": risposta}).status_code == 302
    assert COOKIE_RICHIESTA in client.cookies


def _logout_request_del_portale(client, idp) -> tuple[str, etree._Element]:
    pagina = client.post(reverse("spid:esci"))
    assert pagina.status_code == 200 and "_auth_user_id" not in client.session
    url = html.unescape(
        re.search(r'href="(' + re.escape(idp.url) + r'/slo\?[^"]+)"', pagina.content.decode())[1]
    )
    query = urllib.parse.urlsplit(url).query
    xml = zlib.decompress(base64.b64decode(urllib.parse.parse_qs(query)["SAMLRequest"][0]), -15)
    return query, etree.fromstring(xml)


def test_uscita_dal_portale_manda_una_logout_request_firmata(client, idp):
    _entra(client, idp)
    name_id = client.session[CHIAVE_SESSIONE]["name_id"]
    assert SessioneIdp.objects.filter(name_id=name_id).count() == 1
    query, richiesta = _logout_request_del_portale(client, idp)
    assert idp.verifica_firma_sp(query)  # RSA-SHA256 over the query, with the SP's certificate
    assert "SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256" in query
    assert richiesta.tag == f"{{{NS['samlp']}}}LogoutRequest"
    assert richiesta.get("Destination") == idp.url + "/slo"
    assert richiesta.find("saml:NameID", NS).text == name_id
    assert richiesta.find("samlp:SessionIndex", NS).text
    emittente = richiesta.find("saml:Issuer", NS)
    assert emittente.text == emittente.get("NameQualifier") == "http://testserver"
    assert not SessioneIdp.objects.exists()

    # The IdP's answer closes the round trip: it must answer this very request, signed.
    ritorno = urllib.parse.urlsplit(idp.risposta_di_uscita(richiesta))
    fine = client.get(reverse("spid:sls") + "?" + ritorno.query)
    assert fine.status_code == 200
    assert "Sei uscito dal portale e da SPID." in fine.content.decode()
    assert fine.cookies[COOKIE_USCITA].value == ""


def test_logout_response_alterata_o_non_attesa_rifiutata(client, idp):
    _entra(client, idp)
    _query, richiesta = _logout_request_del_portale(client, idp)
    ritorno = urllib.parse.urlsplit(idp.risposta_di_uscita(richiesta)).query
    # Signature of another message: refused.
    altra = urllib.parse.urlsplit(idp.risposta_di_uscita(richiesta, stato="Responder")).query
    firma_altrui = altra.split("&Signature=")[1]
    alterata = client.get(
        reverse("spid:sls") + "?" + ritorno.split("&Signature=")[0] + "&Signature=" + firma_altrui
    )
    assert alterata.status_code == 400 and "non è valido" in alterata.content.decode()
    # Unsigned: refused.
    assert client.get(reverse("spid:sls") + "?" + ritorno.split("&SigAlg=")[0]).status_code == 400
    # A well signed answer to a request this browser did not send: refused.
    estraneo = Client()
    assert estraneo.get(reverse("spid:sls") + "?" + ritorno).status_code == 400
    # Not SAML at all: refused, never a 500.
    assert client.get(reverse("spid:sls"), {"SAMLResponse": "bm9u"}).status_code == 400
    assert client.get(reverse("spid:sls")).status_code == 400
    # The IdP says it could not end its session: the portal says so.
    fallita = client.get(reverse("spid:sls") + "?" + altra)
    assert fallita.status_code == 200 and "non ha confermato" in fallita.content.decode()


def test_uscita_avviata_dall_idp_chiude_le_sessioni_del_portale(client, idp):
    _entra(client, idp)
    name_id = client.session[CHIAVE_SESSIONE]["name_id"]
    assert client.get(reverse("area:home")).status_code == 200
    # The IdP's LogoutRequest may arrive without the portal's cookie (another browser context here).
    dall_idp = Client()
    url = urllib.parse.urlsplit(idp.uscita_avviata_qui("http://testserver/spid/sls/", name_id))
    risposta = dall_idp.get(reverse("spid:sls") + "?" + url.query)
    assert risposta.status_code == 302 and risposta["Location"].startswith(idp.url + "/slo?")
    assert client.get(reverse("area:home")).status_code == 302  # the portal session is over
    assert not SessioneIdp.objects.exists()
    # The answer is a signed LogoutResponse, Success, to that request.
    query = urllib.parse.urlsplit(risposta["Location"]).query
    assert idp.verifica_firma_sp(query)
    xml = etree.fromstring(
        zlib.decompress(base64.b64decode(urllib.parse.parse_qs(query)["SAMLResponse"][0]), -15)
    )
    richiesta = etree.fromstring(
        zlib.decompress(base64.b64decode(urllib.parse.parse_qs(url.query)["SAMLRequest"][0]), -15)
    )
    assert xml.tag == f"{{{NS['samlp']}}}LogoutResponse"
    assert xml.get("InResponseTo") == richiesta.get("ID")
    assert xml.xpath("samlp:Status/samlp:StatusCode/@Value", namespaces=NS) == [
        "urn:oasis:names:tc:SAML:2.0:status:Success"
    ]


def test_logout_request_non_firmata_non_chiude_niente(client, idp):
    _entra(client, idp)
    name_id = client.session[CHIAVE_SESSIONE]["name_id"]
    url = urllib.parse.urlsplit(idp.uscita_avviata_qui("http://testserver/spid/sls/", name_id, firmata=False))
    assert Client().get(reverse("spid:sls") + "?" + url.query).status_code == 400
    # Addressed to another service: refused too.
    altrove = urllib.parse.urlsplit(idp.uscita_avviata_qui("https://altro.example/sls/", name_id))
    assert Client().get(reverse("spid:sls") + "?" + altrove.query).status_code == 400
    assert client.get(reverse("area:home")).status_code == 200  # still logged in
    assert SessioneIdp.objects.count() == 1


@pytest.mark.parametrize("ruolo", ["staff", "ufficio"])
def test_spid_livello_1_non_apre_sessioni_di_staff_ne_di_uffici(client, idp, settings, ruolo, distretto_a):
    """Level 1 is a password only: an L1 response for a staff member or a district office (even one
    without TOTP set up) opens no session; the same person at level 2 gets in with no TOTP prompt."""
    from alternanza.spid.models import IdentitaSpid, impronta_codice_fiscale
    from tests.factories import staff_cm, ufficio_distretto

    utente = staff_cm(mfa=False) if ruolo == "staff" else ufficio_distretto(distretto_a, mfa=False)
    IdentitaSpid.objects.create(utente=utente, impronta=impronta_codice_fiscale(CF))
    settings.SPID_LIVELLO = 1
    idp.livello = "https://www.spid.gov.it/SpidL1"
    uscita = client.get(reverse("spid:accedi"), {"idp": idp.url})
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uscita["Location"]).query)
    richiesta = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15))
    risposta = base64.b64encode(idp.risposta(richiesta, CF).encode()).decode()
    rifiutata = client.post(reverse("spid:acs"), {"SAMLResponse": risposta})
    assert rifiutata.status_code == 403 and "livello 2" in rifiutata.content.decode()
    assert "_auth_user_id" not in client.session and not SessioneIdp.objects.exists()

    settings.SPID_LIVELLO = 2
    idp.livello = "https://www.spid.gov.it/SpidL2"
    _entra(client, idp)
    assert client.session["_auth_user_id"] == str(utente.pk)
    assert client.get(reverse("area:home")).status_code == 200  # no detour to set up TOTP


def test_uscita_avviata_dall_idp_in_http_post(client, idp):
    """HTTP-POST binding (a cross-site POST: no portal cookie): the XML signature is what is checked."""
    _entra(client, idp)
    name_id = client.session[CHIAVE_SESSIONE]["name_id"]
    firmata = idp.uscita_avviata_qui_post("http://testserver/spid/sls/", name_id)
    # The same message with one character of the NameID changed no longer verifies.
    xml = base64.b64decode(firmata).decode()
    alterata = base64.b64encode(xml.replace(name_id, name_id[:-1] + "x").encode()).decode()
    assert Client().post(reverse("spid:sls"), {"SAMLRequest": alterata}).status_code == 400
    assert client.get(reverse("area:home")).status_code == 200
    risposta = Client().post(reverse("spid:sls"), {"SAMLRequest": firmata})
    assert risposta.status_code == 302 and risposta["Location"].startswith(idp.url + "/slo?SAMLResponse=")
    assert client.get(reverse("area:home")).status_code == 302
