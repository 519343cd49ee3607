"""SPID/CIE login without the live server: off by default, the button and the IdP list, the signed
AuthnRequest, the registry command, refusals at the ACS, the profile's link."""

from __future__ import annotations

import base64
import urllib.parse
import zlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from alternanza.spid.models import ProviderSpid, impronta_codice_fiscale
from alternanza.spid.views import COOKIE_RICHIESTA
from tests.factories import UserFactory
from tests.spid.conftest import certificato_sp

pytestmark = pytest.mark.django_db
ESEMPIO = Path(__file__).resolve().parents[2] / "alternanza" / "spid" / "dati" / "registro-idp-esempio.xml"
POSTE = "https://posteid.poste.it"


@pytest.fixture
def spid(settings, tmp_path):
    cert, chiave = certificato_sp(tmp_path, "http://testserver")
    settings.SITE_URL = settings.SPID_ENTITY_ID = "http://testserver"
    settings.SPID_CERT_FILE, settings.SPID_KEY_FILE = str(cert), str(chiave)
    settings.SPID_ATTIVO = True
    call_command("aggiorna_idp_spid", file=str(ESEMPIO))


def test_senza_impostazioni_spid_non_esiste(client):
    for nome in ("metadata", "accedi", "sls"):
        assert client.get(reverse(f"spid:{nome}")).status_code == 404
    assert client.post(reverse("spid:acs")).status_code == 404
    pagina = client.get(reverse("account_login")).content.decode()
    assert "Entra con SPID" not in pagina and "/spid/" not in pagina


def test_pulsante_spid_con_elenco_dei_gestori(client, spid):
    for nome in ("account_login", "account_signup"):
        pagina = client.get(reverse(nome) + "?next=/area-riservata/").content.decode()
        assert "Entra con SPID" in pagina
        for p in ProviderSpid.objects.all():
            assert p.nome in pagina
            assert "?idp=" + urllib.parse.quote(p.entity_id, safe="") in pagina
        assert "<script" not in pagina.split("accesso-spid", 1)[1].split("</section>", 1)[0]


def test_authnrequest_firmata_come_chiede_spid(client, spid):
    risposta = client.get(reverse("spid:accedi"), {"idp": POSTE, "next": "/area-riservata/"})
    assert risposta.status_code == 302
    url = urllib.parse.urlsplit(risposta["Location"])
    assert url.netloc == "posteid.poste.it"
    query = urllib.parse.parse_qs(url.query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert query["Signature"][0]
    xml = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15))
    ns = {"p": "urn:oasis:names:tc:SAML:2.0:protocol", "a": "urn:oasis:names:tc:SAML:2.0:assertion"}
    assert xml.get("ForceAuthn") == "true"
    assert xml.get("AttributeConsumingServiceIndex") == "0"
    assert xml.xpath("p:NameIDPolicy/@Format", namespaces=ns) == [
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    ]
    assert xml.xpath("p:RequestedAuthnContext/a:AuthnContextClassRef/text()", namespaces=ns) == [
        "https://www.spid.gov.it/SpidL2"
    ]
    emittente = xml.xpath("a:Issuer", namespaces=ns)[0]
    assert emittente.get("NameQualifier") == "http://testserver" == emittente.text
    cookie = risposta.cookies[COOKIE_RICHIESTA]
    assert cookie["httponly"] and cookie["path"] == reverse("spid:acs")
    assert client.get(reverse("spid:accedi"), {"idp": "https://sconosciuto.example"}).status_code == 404


def test_metadata_firmati_con_estensioni_spid(client, spid, settings):
    risposta = client.get(reverse("spid:metadata"))
    assert risposta["Content-Type"].startswith("application/samlmetadata+xml")
    xml = etree.fromstring(risposta.content)
    ns = {"spid": "https://spid.gov.it/saml-extensions", "ds": "http://www.w3.org/2000/09/xmldsig#"}
    assert xml.xpath("//spid:IPACode/text()", namespaces=ns) == [settings.SPID_CODICE_IPA]
    assert xml.xpath("//spid:Public", namespaces=ns)
    assert xml.xpath("ds:Signature/ds:SignedInfo/ds:SignatureMethod/@Algorithm", namespaces=ns) == [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    ]


def test_acs_rifiuta_senza_richiesta_e_risposte_non_valide(client, spid):
    risposta = client.post(reverse("spid:acs"), {"SAMLResponse": "eA=="})
    assert risposta.status_code == 403
    assert "La richiesta di accesso è scaduta" in risposta.content.decode()
    # A body beyond the anonymous limit (issue 19) is refused before it is read: 413, not a SAML answer.
    client.get(reverse("spid:accedi"), {"idp": POSTE})
    assert client.post(reverse("spid:acs"), {"SAMLResponse": "A" * 300_000}).status_code == 413
    for valore in ("", "non-base64!", base64.b64encode(b"<x/>").decode(), "A" * 100_000):
        client.get(reverse("spid:accedi"), {"idp": POSTE})  # a refusal ends the pending request
        risposta = client.post(reverse("spid:acs"), {"SAMLResponse": valore})
        assert risposta.status_code == 403, valore[:20]
        assert "non è valida" in risposta.content.decode()


def test_registro_aggiornato_da_file(spid, tmp_path):
    assert set(ProviderSpid.objects.values_list("nome", flat=True)) == {"Aruba ID", "InfoCert ID", "Poste ID"}
    solo_uno = tmp_path / "uno.xml"
    testo = ESEMPIO.read_text()
    inizio = testo.index('  <md:EntityDescriptor entityID="https://loginspid.aruba.it">')
    fine = testo.index('  <md:EntityDescriptor entityID="https://identity.infocert.it">')
    solo_uno.write_text(testo[:inizio] + testo[fine:].replace("InfoCert ID", "InfoCert"))
    call_command("aggiorna_idp_spid", file=str(solo_uno))
    attivi = dict(ProviderSpid.objects.filter(attivo=True).values_list("entity_id", "nome"))
    assert attivi == {"https://identity.infocert.it": "InfoCert", POSTE: "Poste ID"}
    (tmp_path / "vuoto.xml").write_text(
        "<md:EntitiesDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata'/>"
    )
    with pytest.raises(CommandError, match="no identity provider"):
        call_command("aggiorna_idp_spid", file=str(tmp_path / "vuoto.xml"))
    with pytest.raises(CommandError, match="https"):
        call_command("aggiorna_idp_spid", url="http://registry.example/idp.xml")
    assert ProviderSpid.objects.filter(attivo=True).count() == 2  # nothing half-written


def test_impronta_del_codice_fiscale():
    impronta = impronta_codice_fiscale("TINIT-GDASDV00A01H501J")
    assert impronta == impronta_codice_fiscale(" gdasdv00a01h501j ")
    assert len(impronta) == 64 and "GDASDV" not in impronta.upper()


def test_collegare_spid_dal_profilo_chiede_la_password(client, spid):
    utente = UserFactory(password="una-password-lunga-1")
    client.force_login(utente)
    pagina = client.get(reverse("utenti:profilo")).content.decode()
    assert "Collega SPID" in pagina
    risposta = client.post(reverse("spid:collega"), {"idp": POSTE})
    assert risposta.status_code == 302 and reverse("account_reauthenticate") in risposta["Location"]
    assert COOKIE_RICHIESTA not in risposta.cookies
    risposta = client.post(
        reverse("account_reauthenticate"), {"password": "una-password-lunga-1"}, follow=False
    )
    assert risposta.status_code == 302
    # Recently re-authenticated: the same form now sends the person to the IdP, marked as a link.
    risposta = client.post(reverse("spid:collega"), {"idp": POSTE})
    # A page linking to the IdP (the CSP's form-action 'self' would block a redirect after the form).
    assert risposta.status_code == 200
    assert 'href="' + POSTE in risposta.content.decode()
    from django.core import signing

    from alternanza.spid.views import SALE_RICHIESTA

    dati = signing.loads(risposta.cookies[COOKIE_RICHIESTA].value, salt=SALE_RICHIESTA)
    assert dati["collega"] == utente.pk and dati["idp"] == POSTE


def test_asserzione_riusata_rifiutata_dal_database(client, spid, chiavi_idp):
    """Replay protection is in PostgreSQL (AsserzioneUsata), not in the fail-open cache: the same signed
    response posted again, even with the pending-request cookie captured with it, is refused."""
    from alternanza.spid import registro
    from alternanza.spid.models import AsserzioneUsata, IdentitaSpid
    from tests.spid.idp_di_prova import IdpDiProva

    idp = IdpDiProva(chiavi_idp)  # not started: only its metadata and its signature are used here
    try:
        registro.aggiorna(registro.leggi(idp.metadata().encode()))
        uscita = client.get(reverse("spid:accedi"), {"idp": idp.url})
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(uscita["Location"]).query)
        richiesta = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15))
        risposta_saml = base64.b64encode(idp.risposta(richiesta, "RSSGLI80A41A944X").encode()).decode()
        cookie = uscita.cookies[COOKIE_RICHIESTA].value
        prima = client.post(reverse("spid:acs"), {"SAMLResponse": risposta_saml})
        assert prima.status_code == 302 and prima["Location"] == reverse("utenti:richiedi_ruolo")
        assert AsserzioneUsata.objects.count() == 1 and IdentitaSpid.objects.count() == 1
        client.logout()
        client.cookies[COOKIE_RICHIESTA] = cookie
        seconda = client.post(reverse("spid:acs"), {"SAMLResponse": risposta_saml})
        assert seconda.status_code == 403
        assert "già stata usata" in seconda.content.decode()
        assert "_auth_user_id" not in client.session
    finally:
        idp.server.server_close()
