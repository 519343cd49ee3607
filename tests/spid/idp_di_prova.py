# ruff: noqa: E501 - SAML XML written out on long lines
"""A minimal SPID identity provider for the browser test, started by the test on a free local port.

It does what a real IdP does, in the plainest HTML (no JavaScript): shows a login form for the portal's
AuthnRequest, then a page whose button posts a SAML Response, with its assertion signed by the IdP key
(pysaml2 + xmlsec1), to the portal's ACS. A LogoutRequest (SPID Single Logout) is recorded and answered
with a page linking back to the portal's SLS with a signed LogoutResponse; `uscita_avviata_qui` makes the
signed LogoutRequest of a logout started at the IdP. The SAML it writes follows the SPID rules the portal checks (the same shape as spid-sp-test's
valid response)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import threading
import urllib.parse
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree
from saml2.sigver import CryptoBackendXmlSec1, SecurityContext, pre_signature_part
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol", "saml": "urn:oasis:names:tc:SAML:2.0:assertion"}


def _istante(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class IdpDiProva:
    def __init__(self, chiavi: Path, livello: str = "https://www.spid.gov.it/SpidL2"):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._gestore())
        # "localhost", as the live server: the same site, so the portal's SameSite=Lax cookie of the pending
        # request comes back with the POST (over HTTPS, in production, it is SameSite=None; Secure).
        self.url = f"http://localhost:{self.server.server_address[1]}"
        self.livello = livello
        self.uscite: list[str] = []  # the NameIDs of the LogoutRequests received
        self.risposte_uscita: list[etree._Element] = []  # the SP's LogoutResponses received
        self.firme_verificate = 0  # SP messages (Redirect binding) whose signature verified
        self.cert_sp: Path | None = None  # set it to verify the SP's signatures
        self.chiavi = chiavi
        self.sec = SecurityContext(
            CryptoBackendXmlSec1("/usr/bin/xmlsec1"),
            key_file=str(chiavi / "private.key"),
            cert_file=str(chiavi / "public.cert"),
        )
        self.attributi = {"name": "Giulia", "familyName": "Rossi", "email": "giulia.rossi@example.org"}

    def avvia(self) -> IdpDiProva:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def ferma(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def risposta(self, richiesta: etree._Element, codice_fiscale: str) -> str:
        adesso = dt.datetime.now(dt.UTC)
        fine = adesso + dt.timedelta(minutes=5)
        acs = richiesta.get("AssertionConsumerServiceURL")
        sp = richiesta.find("saml:Issuer", NS).text
        id_risposta, id_asserzione = f"_{uuid.uuid4()}", f"_{uuid.uuid4()}"
        firma = str(
            pre_signature_part(id_asserzione, None, 1, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        )
        attributi = {"fiscalNumber": f"TINIT-{codice_fiscale}", **self.attributi}
        valori = "".join(
            f'<saml:Attribute Name="{n}"><saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{html.escape(v)}'
            "</saml:AttributeValue></saml:Attribute>"
            for n, v in attributi.items()
        )
        xml = f"""<samlp:Response xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{id_risposta}" \
Version="2.0" IssueInstant="{_istante(adesso)}" Destination="{acs}" InResponseTo="{richiesta.get("ID")}">\
<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{self.url}</saml:Issuer>\
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
<saml:Assertion ID="{id_asserzione}" Version="2.0" IssueInstant="{_istante(adesso)}">\
<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{self.url}</saml:Issuer>{firma}\
<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" \
NameQualifier="{self.url}">_{uuid.uuid4().hex}</saml:NameID>\
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
<saml:SubjectConfirmationData InResponseTo="{richiesta.get("ID")}" NotOnOrAfter="{_istante(fine)}" \
Recipient="{acs}"/></saml:SubjectConfirmation></saml:Subject>\
<saml:Conditions NotBefore="{_istante(adesso)}" NotOnOrAfter="{_istante(fine)}">\
<saml:AudienceRestriction><saml:Audience>{sp}</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
<saml:AuthnStatement AuthnInstant="{_istante(adesso)}" SessionIndex="_{uuid.uuid4().hex}"><saml:AuthnContext>\
<saml:AuthnContextClassRef>{self.livello}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
<saml:AttributeStatement>{valori}</saml:AttributeStatement></saml:Assertion></samlp:Response>"""
        return self.sec.sign_statement(
            xml, node_name="urn:oasis:names:tc:SAML:2.0:assertion:Assertion", node_id=id_asserzione
        )

    def _firma_redirect(self, destinazione: str, campo: str, xml: str, relay_state: str = "") -> str:
        """The HTTP-Redirect binding: deflated, base64, and an RSA-SHA256 signature over the query."""
        compressore = zlib.compressobj(wbits=-15)
        valore = base64.b64encode(compressore.compress(xml.encode()) + compressore.flush()).decode()
        parti = {campo: valore, **({"RelayState": relay_state} if relay_state else {})}
        query = urllib.parse.urlencode({**parti, "SigAlg": SIG_RSA_SHA256})
        chiave = serialization.load_pem_private_key((self.chiavi / "private.key").read_bytes(), None)
        firma = chiave.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{destinazione}?{query}&" + urllib.parse.urlencode({"Signature": base64.b64encode(firma)})

    def verifica_firma_sp(self, query: str) -> bool:
        """Whether the SP's Redirect-binding message is signed with the SP's certificate."""
        coppie = [p.partition("=") for p in query.split("&")]
        grezzi = {n: v for n, _u, v in coppie}
        campo = "SAMLRequest" if "SAMLRequest" in grezzi else "SAMLResponse"
        firmato = "&".join(f"{n}={grezzi[n]}" for n in (campo, "RelayState", "SigAlg") if n in grezzi)
        cert = x509.load_pem_x509_certificate(self.cert_sp.read_bytes())
        firma = base64.b64decode(urllib.parse.unquote_plus(grezzi["Signature"]))
        try:
            cert.public_key().verify(firma, firmato.encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    def _logout(self, tipo: str, destinazione: str, corpo: str, ident: str = "", **attributi: str) -> str:
        extra = "".join(f' {n}="{html.escape(v)}"' for n, v in attributi.items())
        return (
            f'<samlp:{tipo} xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{ident or f"_{uuid.uuid4()}"}" '
            f'Version="2.0" IssueInstant="{_istante(dt.datetime.now(dt.UTC))}" Destination="{destinazione}"'
            f'{extra}><saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity" '
            f'NameQualifier="{self.url}">{self.url}</saml:Issuer>{corpo}</samlp:{tipo}>'
        )

    def risposta_di_uscita(self, richiesta: etree._Element, stato: str = "Success") -> str:
        """The URL of the signed LogoutResponse to the SP's LogoutRequest (to the SP's SLS)."""
        sls = richiesta.find("saml:Issuer", NS).text.rstrip("/") + "/spid/sls/"
        corpo = f'<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:{stato}"/></samlp:Status>'
        xml = self._logout("LogoutResponse", sls, corpo, InResponseTo=richiesta.get("ID"))
        return self._firma_redirect(sls, "SAMLResponse", xml)

    def uscita_avviata_qui(self, sls: str, name_id: str, firmata: bool = True) -> str:
        """The URL of a LogoutRequest of the IdP (a logout started at another service) to the SP's SLS."""
        corpo = (
            '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" '
            f'NameQualifier="{self.url}">{html.escape(name_id)}</saml:NameID>'
            f"<samlp:SessionIndex>_{uuid.uuid4().hex}</samlp:SessionIndex>"
        )
        xml = self._logout("LogoutRequest", sls, corpo)
        url = self._firma_redirect(sls, "SAMLRequest", xml)
        return url if firmata else url.split("&SigAlg=")[0]

    def uscita_avviata_qui_post(self, sls: str, name_id: str) -> str:
        """The same LogoutRequest for the HTTP-POST binding: XML-signed, base64 (the SAMLRequest field)."""
        ident = f"_{uuid.uuid4()}"
        firma = str(pre_signature_part(ident, None, 1, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256))
        corpo = (
            f'{firma}<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" '
            f'NameQualifier="{self.url}">{html.escape(name_id)}</saml:NameID>'
        )
        xml = self._logout("LogoutRequest", sls, corpo, ident=ident)
        firmato = self.sec.sign_statement(
            xml, node_name="urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest", node_id=ident
        )
        return base64.b64encode(firmato.encode()).decode()

    def _gestore(idp_self):  # noqa: N805 - the handler class closes over the IdP
        class Gestore(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _pagina(self, corpo: str) -> None:
                dati = (
                    "<!doctype html><html lang='it'><head><meta charset='utf-8'><title>IdP di prova</title>"
                    f"</head><body><main>{corpo}</main></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(dati)))
                self.end_headers()
                self.wfile.write(dati)

            def do_GET(self):
                grezza = urllib.parse.urlsplit(self.path).query
                query = urllib.parse.parse_qs(grezza)
                if (
                    idp_self.cert_sp is not None
                    and "Signature" in query
                    and idp_self.verifica_firma_sp(grezza)
                ):
                    idp_self.firme_verificate += 1
                if "SAMLResponse" in query:  # the SP's answer to uscita_avviata_qui
                    xml = zlib.decompress(base64.b64decode(query["SAMLResponse"][0]), -15)
                    idp_self.risposte_uscita.append(etree.fromstring(xml))
                    self._pagina("<h1>Uscita completata</h1>")
                    return
                if "SAMLRequest" not in query:  # e.g. /favicon.ico
                    self.send_error(404)
                    return
                xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
                richiesta = etree.fromstring(xml)
                if richiesta.tag == f"{{{NS['samlp']}}}LogoutRequest":
                    idp_self.uscite.append(richiesta.find("saml:NameID", NS).text)
                    ritorno = html.escape(idp_self.risposta_di_uscita(richiesta))
                    self._pagina(
                        f"<h1>Sei uscito da SPID</h1><p><a href='{ritorno}'>Torna al servizio</a></p>"
                    )
                    return
                campo = html.escape(base64.b64encode(xml).decode())
                self._pagina(
                    "<h1>IdP di prova</h1><form method='post' action='/login'>"
                    f"<input type='hidden' name='richiesta' value='{campo}'>"
                    "<label for='cf'>Codice fiscale</label> <input id='cf' name='cf'>"
                    "<button type='submit'>Accedi</button></form>"
                )

            def do_POST(self):
                lunghezza = int(self.headers["Content-Length"])
                dati = urllib.parse.parse_qs(self.rfile.read(lunghezza).decode())
                richiesta = etree.fromstring(base64.b64decode(dati["richiesta"][0]))
                risposta = idp_self.risposta(richiesta, dati["cf"][0])
                self._pagina(
                    f"<form method='post' action='{html.escape(richiesta.get('AssertionConsumerServiceURL'))}'>"
                    f"<input type='hidden' name='SAMLResponse' value='{base64.b64encode(risposta.encode()).decode()}'>"
                    "<input type='hidden' name='RelayState' value='/'>"
                    "<button type='submit'>Continua verso il servizio</button></form>"
                )

        return Gestore

    def metadata(self) -> str:
        cert = "".join((self.chiavi / "public.cert").read_text().split("-----")[2].split())
        return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" \
xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{self.url}"><md:IDPSSODescriptor \
protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="true">\
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate>\
</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{self.url}/slo"/>\
<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>\
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{self.url}/sso"/>\
</md:IDPSSODescriptor><md:Organization><md:OrganizationName xml:lang="it">IdP di prova</md:OrganizationName>\
<md:OrganizationDisplayName xml:lang="it">IdP di prova</md:OrganizationDisplayName>\
<md:OrganizationURL xml:lang="it">{self.url}</md:OrganizationURL></md:Organization></md:EntityDescriptor>"""
