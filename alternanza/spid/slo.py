"""SAML Single Logout (SPID; CIE ID has none): reading and verifying the identity provider's
LogoutRequest and LogoutResponse at the SP's SLS, over HTTP-Redirect (RSA signature over the query bytes
as sent) or HTTP-POST (XML signature), and the signed LogoutResponse the portal sends back."""

from __future__ import annotations

import base64
import datetime as dt
import urllib.parse
import zlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from lxml import etree
from saml2 import BINDING_HTTP_REDIRECT
from saml2.s_utils import UnknownSystemEntity
from saml2.saml import NAMEID_FORMAT_ENTITY, Issuer
from saml2.samlp import Status, StatusCode, logout_request_from_string
from saml2.xmldsig import SIG_RSA_SHA256, SIG_RSA_SHA512

from alternanza.spid.saml import (
    MAX_RISPOSTA,
    NS,
    STATUS_SUCCESS,
    RispostaNonValida,
    _istante,
    _testo,
    _uno,
    client,
    url_sls,
)

VALIDITA_LOGOUT = dt.timedelta(minutes=10)  # how old a LogoutRequest/LogoutResponse may be
_FIRME_REDIRECT = {SIG_RSA_SHA256: hashes.SHA256, SIG_RSA_SHA512: hashes.SHA512}


@dataclass(frozen=True)
class MessaggioLogout:
    """A LogoutRequest or LogoutResponse of an identity provider, its signature verified."""

    tipo: str  # "LogoutRequest" or "LogoutResponse"
    testo: str
    radice: etree._Element
    emittente: str

    @property
    def in_response_to(self) -> str:
        return self.radice.get("InResponseTo") or ""

    @property
    def riuscito(self) -> bool:
        stato = self.radice.xpath("samlp:Status/samlp:StatusCode/@Value", namespaces=NS)
        return stato == [STATUS_SUCCESS]

    @property
    def name_id(self) -> str:
        trovati = self.radice.xpath("saml:NameID/text()", namespaces=NS)
        return trovati[0].strip() if trovati else ""


def _parametri_grezzi(query: str) -> dict[str, str]:
    """The query's parameters as sent (still URL-encoded): the Redirect binding signs those bytes."""
    grezzi: dict[str, str] = {}
    for parte in query.split("&"):
        nome, _uguale, valore = parte.partition("=")
        grezzi.setdefault(nome, valore)
    return grezzi


def _verifica_firma_redirect(query: str, campo: str, certificati: list[str]) -> None:
    grezzi = _parametri_grezzi(query)
    sig_alg = urllib.parse.unquote_plus(grezzi.get("SigAlg", ""))
    if sig_alg not in _FIRME_REDIRECT or "Signature" not in grezzi:
        raise RispostaNonValida("Redirect binding: unsigned or not RSA-SHA256/512")
    firmato = "&".join(f"{n}={grezzi[n]}" for n in (campo, "RelayState", "SigAlg") if n in grezzi)
    try:
        firma = base64.b64decode(urllib.parse.unquote_plus(grezzi["Signature"]), validate=True)
    except ValueError as exc:
        raise RispostaNonValida("Signature not base64") from exc
    for certificato in certificati:
        chiave = x509.load_der_x509_certificate(base64.b64decode(certificato)).public_key()
        if not isinstance(chiave, rsa.RSAPublicKey):
            continue  # SPID signs with RSA only (RSA-SHA256 and up)
        try:
            chiave.verify(firma, firmato.encode("ascii"), padding.PKCS1v15(), _FIRME_REDIRECT[sig_alg]())
        except InvalidSignature:
            continue
        return
    raise RispostaNonValida("Redirect binding: signature does not verify")


def leggi_messaggio_logout(metodo: str, parametri, query_grezza: str) -> MessaggioLogout:
    """An IdP's LogoutRequest or LogoutResponse to our SLS, over HTTP-Redirect (GET, signature in the
    query) or HTTP-POST (XML signature), verified against the IdP's metadata, or raise."""
    campo = "SAMLRequest" if "SAMLRequest" in parametri else "SAMLResponse"
    valore = parametri.get(campo, "")
    if not valore or len(valore) > MAX_RISPOSTA:
        raise RispostaNonValida("no SAML message, or too large")
    try:
        dati = base64.b64decode(valore)
        testo = (zlib.decompress(dati, -15) if metodo == "GET" else dati).decode("utf-8")
    except (ValueError, zlib.error) as exc:
        raise RispostaNonValida("not a deflated/base64 SAML message") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        radice = etree.fromstring(testo.encode(), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise RispostaNonValida("not XML") from exc
    tipo = "LogoutRequest" if campo == "SAMLRequest" else "LogoutResponse"
    if radice.tag != f"{{{NS['samlp']}}}{tipo}" or radice.get("Version") != "2.0" or not radice.get("ID"):
        raise RispostaNonValida(f"not a SAML 2.0 {tipo}")
    emittente = _testo(_uno(radice, "saml:Issuer", "Issuer"), "Issuer")
    cli = client()
    try:
        certificati = [c for _nome, c in cli.metadata.certs(emittente, "idpsso", "signing")]
    except (KeyError, UnknownSystemEntity) as exc:
        raise RispostaNonValida("Issuer is not a known identity provider") from exc
    if metodo == "GET":
        _verifica_firma_redirect(query_grezza, campo, certificati)
    else:
        try:
            verifica = (
                cli.sec.correctly_signed_logout_request
                if tipo == "LogoutRequest"
                else cli.sec.correctly_signed_logout_response
            )
            verifica(testo, must=True)
        except Exception as exc:  # noqa: BLE001 - pysaml2 raises many unrelated types for bad input
            raise RispostaNonValida(f"XML signature: {type(exc).__name__}") from exc
    if radice.get("Destination") != url_sls():
        raise RispostaNonValida("Destination")
    adesso = dt.datetime.now(dt.UTC)
    emesso = _istante(radice.get("IssueInstant"), "IssueInstant")
    tolleranza = dt.timedelta(seconds=settings.SPID_TOLLERANZA_OROLOGIO)
    if emesso > adesso + tolleranza or emesso < adesso - VALIDITA_LOGOUT - tolleranza:
        raise RispostaNonValida("IssueInstant out of window")
    return MessaggioLogout(tipo, testo, radice, emittente)


def risposta_al_logout(messaggio: MessaggioLogout, riuscito: bool) -> str:
    """The signed LogoutResponse (HTTP-Redirect) to the IdP's LogoutRequest: the URL to send the browser."""
    cli = client()
    richiesta = logout_request_from_string(messaggio.testo)
    stato = (
        None
        if riuscito
        else Status(status_code=StatusCode(value="urn:oasis:names:tc:SAML:2.0:status:Responder"))
    )
    risposta = cli.create_logout_response(richiesta, [BINDING_HTTP_REDIRECT], status=stato, sign=False)
    risposta.issuer = Issuer(
        text=settings.SPID_ENTITY_ID, format=NAMEID_FORMAT_ENTITY, name_qualifier=settings.SPID_ENTITY_ID
    )
    destinazione = risposta.destination
    info = cli.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(risposta),
        destinazione,
        relay_state=None,
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return dict(info["headers"])["Location"]
