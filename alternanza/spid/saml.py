"""SAML 2.0 as the SPID technical rules ask, on pysaml2: the SP configuration, the signed SP metadata with
the SPID extensions, the signed AuthnRequest (HTTP-Redirect, RSA-SHA256) and the strict validation of
responses (pysaml2 checks signature, audience, time window and InResponseTo; the SPID-specific rules
that pysaml2 leaves open are checked here on the signed XML)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.urls import reverse

# lxml parses only XML whose signature pysaml2 verified, with entities and network access off.
from lxml import etree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT, AuthnContextClassRef, Issuer
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import pre_signature_part
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from alternanza.spid.models import ProviderSpid

LIVELLI = {
    1: "https://www.spid.gov.it/SpidL1",
    2: "https://www.spid.gov.it/SpidL2",
    3: "https://www.spid.gov.it/SpidL3",
}
LIVELLO_DA_ACR = {v: k for k, v in LIVELLI.items()}
SPID, CIE = "spid", "cie"
# Attributes the portal asks (AttributeConsumingService index 0 of each metadata): who the person is and,
# from SPID, how to write. CIE ID's SAML interface releases only the eIDAS minimum dataset (no e-mail):
# a new CIE user types the address once (views.completa_cie).
ATTRIBUTI_RICHIESTI = {
    SPID: ("fiscalNumber", "name", "familyName", "email"),
    CIE: ("fiscalNumber", "name", "familyName", "dateOfBirth"),
}
# Of those, the ones a response must carry for the login to go on.
ATTRIBUTI_NECESSARI = {SPID: ATTRIBUTI_RICHIESTI[SPID], CIE: ("fiscalNumber", "name", "familyName")}
NS_CIE = "https://www.cartaidentita.interno.gov.it/saml-extensions"
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
METHOD_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
# xs:dateTime in UTC as SAML writes it, with optional fractional seconds.
_ISTANTE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")
MAX_RISPOSTA = 256 * 1024  # bytes of a base64 SAMLResponse: real ones are a few KiB


class RispostaNonValida(Exception):
    """The IdP response is refused (the message is for the log, never shown verbatim)."""


def url_assoluto(nome: str) -> str:
    return settings.SITE_URL + reverse(nome)


def url_acs() -> str:
    return url_assoluto("spid:acs")


def url_sls() -> str:
    return url_assoluto("spid:sls")


@dataclass(frozen=True)
class ProviderCie:
    """CIE ID's identity provider, from the metadata file of settings.CIE_IDP_METADATA_FILE."""

    entity_id: str
    nome: str
    metadata: str


@lru_cache(maxsize=2)
def _leggi_provider_cie(percorso: str) -> ProviderCie:
    testo = Path(percorso).read_text(encoding="utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    radice = etree.fromstring(testo.encode(), parser=parser)
    if radice.tag != f"{{{NS['md']}}}EntityDescriptor" or not radice.get("entityID"):
        raise ValueError(f"{percorso}: not the EntityDescriptor of an identity provider")
    return ProviderCie(radice.get("entityID"), "CIE ID", etree.tostring(radice, encoding="unicode"))


def provider_cie() -> ProviderCie | None:
    """The CIE identity provider when "Entra con CIE" is configured, else None."""
    if not settings.CIE_ATTIVO:
        return None
    return _leggi_provider_cie(settings.CIE_IDP_METADATA_FILE)


def _metadati_idp() -> tuple[str, ...]:
    metadati = list(ProviderSpid.objects.filter(attivo=True).values_list("metadata", flat=True))
    cie = provider_cie()
    if cie is not None:
        metadati.append(cie.metadata)
    return tuple(metadati)


def configurazione() -> SPConfig:
    """pysaml2's SP configuration, with the metadata of the active identity providers inline."""
    return _configurazione(_metadati_idp(), *_chiave_impostazioni())


def _chiave_impostazioni() -> tuple[str, str, str, str]:
    return (settings.SPID_ENTITY_ID, settings.SITE_URL, settings.SPID_CERT_FILE, settings.SPID_KEY_FILE)


@lru_cache(maxsize=8)
def _configurazione(metadati: tuple[str, ...], *_impostazioni: str) -> SPConfig:
    """Cached by the IdP metadata and the settings it reads (a change of either builds a new one)."""
    conf = SPConfig()
    conf.load(
        {
            "entityid": settings.SPID_ENTITY_ID,
            "xmlsec_binary": settings.XMLSEC1_PATH,
            "key_file": settings.SPID_KEY_FILE,
            "cert_file": settings.SPID_CERT_FILE,
            "accepted_time_diff": settings.SPID_TOLLERANZA_OROLOGIO,
            "allow_unknown_attributes": True,
            "metadata": {"inline": list(metadati)},
            "service": {
                "sp": {
                    "name_id_format": NAMEID_FORMAT_TRANSIENT,
                    "authn_requests_signed": True,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "allow_unsolicited": False,
                    "signing_algorithm": SIG_RSA_SHA256,
                    "digest_algorithm": DIGEST_SHA256,
                    "endpoints": {
                        "assertion_consumer_service": [(url_acs(), BINDING_HTTP_POST)],
                        "single_logout_service": [
                            (url_sls(), BINDING_HTTP_REDIRECT),
                            (url_sls(), BINDING_HTTP_POST),
                        ],
                    },
                }
            },
        }
    )
    return conf


def client() -> Saml2Client:
    """One client per configuration: building it loads (and checks) the SP's RSA key, ~0.4 s."""
    return _client(_metadati_idp(), *_chiave_impostazioni())


@lru_cache(maxsize=8)
def _client(metadati: tuple[str, ...], *impostazioni: str) -> Saml2Client:
    return Saml2Client(config=_configurazione(metadati, *impostazioni))


def _certificato_base64() -> str:
    pem = Path(settings.SPID_CERT_FILE).read_text(encoding="ascii")
    corpo = pem.split("-----BEGIN CERTIFICATE-----", 1)[1].split("-----END CERTIFICATE-----", 1)[0]
    return "".join(corpo.split())


# --- SP metadata ------------------------------------------------------------------------------------


def metadata_firmati(servizio: str = SPID) -> str:
    """The SP metadata, signed with the SP key (RSA-SHA256): for SPID as Avviso SPID n. 29 v3 asks of a
    public SP; for CIE as spid-sp-test's cie-sp-public profile checks (CIE's extensions in the
    ContactPerson, the eIDAS attributes). Same entityID, key, ACS and SLS for both."""
    return _metadata_firmati(servizio, settings.SPID_ENTITY_ID, settings.SITE_URL, _certificato_base64())


def _contatto(servizio: str) -> str:
    telefono = (
        f"<md:TelephoneNumber>{escape(settings.SPID_CONTATTO_TELEFONO)}</md:TelephoneNumber>"
        if settings.SPID_CONTATTO_TELEFONO
        else ""
    )
    email = f"<md:EmailAddress>{escape(settings.SPID_CONTATTO_EMAIL)}</md:EmailAddress>"
    if servizio == SPID:
        return (
            '<md:ContactPerson contactType="other"><md:Extensions>'
            f"<spid:IPACode>{escape(settings.SPID_CODICE_IPA)}</spid:IPACode><spid:Public/></md:Extensions>"
            f"{email}{telefono}</md:ContactPerson>"
        )
    return (
        '<md:ContactPerson contactType="administrative"><md:Extensions><cie:Public/>'
        f"<cie:IPACode>{escape(settings.SPID_CODICE_IPA)}</cie:IPACode>"
        f"<cie:Municipality>{escape(settings.CIE_CODICE_COMUNE)}</cie:Municipality>"
        f"<cie:Province>{escape(settings.CIE_PROVINCIA)}</cie:Province><cie:Country>IT</cie:Country>"
        f"</md:Extensions><md:Company>{escape(settings.SPID_ORGANIZZAZIONE)}</md:Company>"
        f"{email}{telefono}</md:ContactPerson>"
    )


@lru_cache(maxsize=4)
def _metadata_firmati(servizio: str, entity_id: str, site_url: str, certificato: str) -> str:
    ident = "_" + hashlib.sha256(f"{servizio}:{entity_id}".encode()).hexdigest()
    firma = str(pre_signature_part(ident, certificato, 1, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256))
    nome_servizio = escape(str(settings.PORTALE["nome"]))
    organizzazione = escape(settings.SPID_ORGANIZZAZIONE)
    attributi = "".join(f'<md:RequestedAttribute Name="{a}"/>' for a in ATTRIBUTI_RICHIESTI[servizio])
    sls = quoteattr(url_sls())
    xml = f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" \
xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:spid="https://spid.gov.it/saml-extensions" \
xmlns:cie="{NS_CIE}" entityID={quoteattr(entity_id)} ID="{ident}">{firma}\
<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" \
AuthnRequestsSigned="true" WantAssertionsSigned="true">\
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificato}\
</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\
<md:SingleLogoutService Binding="{BINDING_HTTP_REDIRECT}" Location={sls}/>\
<md:SingleLogoutService Binding="{BINDING_HTTP_POST}" Location={sls}/>\
<md:NameIDFormat>{NAMEID_FORMAT_TRANSIENT}</md:NameIDFormat>\
<md:AssertionConsumerService index="0" isDefault="true" Binding="{BINDING_HTTP_POST}" \
Location={quoteattr(url_acs())}/>\
<md:AttributeConsumingService index="0"><md:ServiceName xml:lang="it">{nome_servizio}</md:ServiceName>\
{attributi}</md:AttributeConsumingService></md:SPSSODescriptor>\
<md:Organization><md:OrganizationName xml:lang="it">{organizzazione}</md:OrganizationName>\
<md:OrganizationDisplayName xml:lang="it">{organizzazione}</md:OrganizationDisplayName>\
<md:OrganizationURL xml:lang="it">{escape(settings.SPID_ORGANIZZAZIONE_URL)}</md:OrganizationURL>\
</md:Organization>{_contatto(servizio)}</md:EntityDescriptor>"""
    sec = client_senza_idp().sec
    return sec.sign_statement(
        xml, node_name="urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", node_id=ident
    )


def client_senza_idp() -> Saml2Client:
    return _client((), *_chiave_impostazioni())


# --- AuthnRequest -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RichiestaAutenticazione:
    id: str
    url: str  # the IdP's SSO URL with SAMLRequest, RelayState, SigAlg and Signature
    istante: str


def richiesta_autenticazione(entity_id: str, livello: int, relay_state: str) -> RichiestaAutenticazione:
    """A signed AuthnRequest for the identity provider (SPID or CIE: the same SAML profile), over
    HTTP-Redirect (works without JavaScript)."""
    cli = client()
    destinazione = cli.sso_location(entity_id, BINDING_HTTP_REDIRECT)
    id_richiesta, richiesta = cli.create_authn_request(
        destinazione,
        binding=BINDING_HTTP_POST,  # the binding of the response (ProtocolBinding)
        nameid_format=NAMEID_FORMAT_TRANSIENT,
        allow_create=None,
        sign=False,  # HTTP-Redirect: the signature goes in the query (SigAlg, Signature)
        issuer=Issuer(
            text=settings.SPID_ENTITY_ID,
            format=NAMEID_FORMAT_ENTITY,
            name_qualifier=settings.SPID_ENTITY_ID,
        ),
        requested_authn_context=RequestedAuthnContext(
            authn_context_class_ref=[AuthnContextClassRef(text=LIVELLI[livello])], comparison="minimum"
        ),
        # Level 2 and above ask a fresh authentication (Regole tecniche SPID, ForceAuthn).
        force_authn="true" if livello >= 2 else None,
        attribute_consuming_service_index="0",
    )
    info = cli.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(richiesta),
        destinazione,
        relay_state=relay_state,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    url = dict(info["headers"])["Location"]
    return RichiestaAutenticazione(id=id_richiesta, url=url, istante=richiesta.issue_instant)


# --- Response ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identita:
    emittente: str
    id_asserzione: str
    scadenza: dt.datetime
    livello: int
    attributi: dict[str, str]
    name_id: str
    name_qualifier: str
    session_index: str | None

    @property
    def codice_fiscale(self) -> str:
        return self.attributi.get("fiscalNumber", "")


def _istante(valore: str | None, cosa: str) -> dt.datetime:
    if not valore or not _ISTANTE.match(valore):
        raise RispostaNonValida(f"{cosa}: missing or not a UTC xs:dateTime ({valore!r})")
    testo = valore[:-1]
    if "." in testo:
        testo, frazione = testo.split(".")
        testo += "." + frazione[:6].ljust(6, "0")
        return dt.datetime.strptime(testo, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=dt.UTC)
    return dt.datetime.strptime(testo, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)


def _uno(radice, percorso: str, cosa: str):
    trovati = radice.xpath(percorso, namespaces=NS)
    if len(trovati) != 1:
        raise RispostaNonValida(f"{cosa}: expected exactly one, found {len(trovati)}")
    return trovati[0]


def _testo(elemento, cosa: str) -> str:
    testo = (elemento.text or "").strip()
    if not testo:
        raise RispostaNonValida(f"{cosa}: empty")
    return testo


def valida_risposta(
    saml_response: str,
    id_richiesta: str,
    istante_richiesta: str,
    entity_id_idp: str,
    livello_minimo: int,
    servizio: str = SPID,
) -> Identita:
    """Validate an IdP's Response to our request id_richiesta, as the SPID rules ask (CIE ID follows the
    same profile), or raise."""
    if len(saml_response) > MAX_RISPOSTA:
        raise RispostaNonValida("response too large")
    try:
        xml = base64.b64decode(saml_response, validate=False)
    except ValueError as exc:
        raise RispostaNonValida("not base64") from exc
    cli = client()
    try:
        risposta = cli.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={id_richiesta: "/"}
        )
    except Exception as exc:  # noqa: BLE001 - pysaml2 raises many unrelated types for bad input
        raise RispostaNonValida(f"pysaml2: {type(exc).__name__}: {exc}") from exc
    if risposta is None:
        raise RispostaNonValida("pysaml2 returned no response")
    # pysaml2 keeps every identity in an in-memory cache of the (shared) client: the portal has its own
    # session, so forget it at once.
    soggetto = risposta.assertion.subject if risposta.assertion is not None else None
    if soggetto is not None and soggetto.name_id is not None:
        with contextlib.suppress(KeyError, AttributeError):
            cli.users.remove_person(soggetto.name_id)

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    radice = etree.fromstring(xml, parser=parser)
    _verifica_spid(radice, id_richiesta, istante_richiesta, entity_id_idp)

    # What pysaml2 verified is the assertion it returns: read the identity from that one only.
    asserzione = risposta.assertion
    if asserzione is None or risposta.ava is None:
        raise RispostaNonValida("no signed assertion")
    emittente = asserzione.issuer.text.strip() if asserzione.issuer is not None else ""
    if emittente != entity_id_idp:
        raise RispostaNonValida("assertion issuer is not the chosen IdP")
    acr = ""
    if asserzione.authn_statement:
        contesto = asserzione.authn_statement[0].authn_context
        if contesto is not None and contesto.authn_context_class_ref is not None:
            acr = (contesto.authn_context_class_ref.text or "").strip()
    livello = LIVELLO_DA_ACR.get(acr)
    if livello is None or livello < livello_minimo:
        raise RispostaNonValida(f"AuthnContextClassRef {acr!r} below the requested level")
    attributi = {nome: (valori[0] if valori else "") for nome, valori in risposta.ava.items()}
    mancanti = [a for a in ATTRIBUTI_NECESSARI[servizio] if not str(attributi.get(a, "")).strip()]
    if mancanti:
        raise RispostaNonValida(f"missing attributes {mancanti}")
    name_id = asserzione.subject.name_id if asserzione.subject is not None else None
    if name_id is None or not name_id.text or asserzione.conditions is None:
        raise RispostaNonValida("no NameID or Conditions in the verified assertion")
    session_index = asserzione.authn_statement[0].session_index if asserzione.authn_statement else None
    return Identita(
        emittente=emittente,
        id_asserzione=asserzione.id,
        scadenza=_istante(asserzione.conditions.not_on_or_after, "Conditions NotOnOrAfter"),
        livello=livello,
        attributi={k: str(v) for k, v in attributi.items()},
        name_id=name_id.text,
        name_qualifier=name_id.name_qualifier or "",
        session_index=session_index,
    )


def _verifica_spid(radice, id_richiesta: str, istante_richiesta: str, entity_id_idp: str) -> None:
    """The SPID rules on the Response and its one Assertion (Regole tecniche SPID, AgID notices)."""
    if radice.tag != f"{{{NS['samlp']}}}Response":
        raise RispostaNonValida("not a samlp:Response")
    adesso = dt.datetime.now(dt.UTC)
    tolleranza = dt.timedelta(seconds=settings.SPID_TOLLERANZA_OROLOGIO)
    richiesta_il = _istante(istante_richiesta, "request IssueInstant")
    if radice.get("Version") != "2.0":
        raise RispostaNonValida("Version")
    if not radice.get("ID"):
        raise RispostaNonValida("Response ID")
    emessa = _istante(radice.get("IssueInstant"), "Response IssueInstant")
    if emessa < richiesta_il - tolleranza or emessa > adesso + tolleranza:
        raise RispostaNonValida("Response IssueInstant out of window")
    if radice.get("InResponseTo") != id_richiesta:
        raise RispostaNonValida("Response InResponseTo")
    if radice.get("Destination") != url_acs():
        raise RispostaNonValida("Response Destination")
    emittente = _uno(radice, "saml:Issuer", "Response Issuer")
    if _testo(emittente, "Response Issuer") != entity_id_idp:
        raise RispostaNonValida("Response Issuer")
    if emittente.get("Format") not in (None, NAMEID_FORMAT_ENTITY):
        raise RispostaNonValida("Response Issuer Format")
    stato = _uno(radice, "samlp:Status/samlp:StatusCode", "StatusCode")
    if stato.get("Value") != STATUS_SUCCESS:
        raise RispostaNonValida(f"StatusCode {stato.get('Value')!r}")

    asserzione = _uno(radice, "saml:Assertion", "Assertion")
    if not asserzione.get("ID") or asserzione.get("Version") != "2.0":
        raise RispostaNonValida("Assertion ID/Version")
    if not asserzione.xpath("ds:Signature", namespaces=NS):
        raise RispostaNonValida("Assertion not signed")
    emessa_a = _istante(asserzione.get("IssueInstant"), "Assertion IssueInstant")
    if emessa_a < richiesta_il - tolleranza or emessa_a > adesso + tolleranza:
        raise RispostaNonValida("Assertion IssueInstant out of window")
    emittente_a = _uno(asserzione, "saml:Issuer", "Assertion Issuer")
    if _testo(emittente_a, "Assertion Issuer") != entity_id_idp:
        raise RispostaNonValida("Assertion Issuer")
    if emittente_a.get("Format") != NAMEID_FORMAT_ENTITY:
        raise RispostaNonValida("Assertion Issuer Format")

    soggetto = _uno(asserzione, "saml:Subject", "Subject")
    name_id = _uno(soggetto, "saml:NameID", "NameID")
    _testo(name_id, "NameID")
    if name_id.get("Format") != NAMEID_FORMAT_TRANSIENT:
        raise RispostaNonValida("NameID Format")
    if not name_id.get("NameQualifier"):
        raise RispostaNonValida("NameID NameQualifier")
    conferma = _uno(soggetto, "saml:SubjectConfirmation", "SubjectConfirmation")
    if conferma.get("Method") != METHOD_BEARER:
        raise RispostaNonValida("SubjectConfirmation Method")
    dati = _uno(conferma, "saml:SubjectConfirmationData", "SubjectConfirmationData")
    if dati.get("Recipient") != url_acs():
        raise RispostaNonValida("SubjectConfirmationData Recipient")
    if dati.get("InResponseTo") != id_richiesta:
        raise RispostaNonValida("SubjectConfirmationData InResponseTo")
    if _istante(dati.get("NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter") < adesso - tolleranza:
        raise RispostaNonValida("SubjectConfirmationData expired")

    condizioni = _uno(asserzione, "saml:Conditions", "Conditions")
    if _istante(condizioni.get("NotBefore"), "Conditions NotBefore") > adesso + tolleranza:
        raise RispostaNonValida("Conditions NotBefore in the future")
    if _istante(condizioni.get("NotOnOrAfter"), "Conditions NotOnOrAfter") < adesso - tolleranza:
        raise RispostaNonValida("Conditions expired")
    pubblico = _uno(condizioni, "saml:AudienceRestriction/saml:Audience", "Audience")
    if _testo(pubblico, "Audience") != settings.SPID_ENTITY_ID:
        raise RispostaNonValida("Audience")

    autenticazione = _uno(asserzione, "saml:AuthnStatement", "AuthnStatement")
    _istante(autenticazione.get("AuthnInstant"), "AuthnInstant")
    acr = _uno(autenticazione, "saml:AuthnContext/saml:AuthnContextClassRef", "AuthnContextClassRef")
    if _testo(acr, "AuthnContextClassRef") not in LIVELLO_DA_ACR:
        raise RispostaNonValida("AuthnContextClassRef not a SPID level")
    for attributo in asserzione.xpath("saml:AttributeStatement/saml:Attribute", namespaces=NS):
        if not attributo.get("Name"):
            raise RispostaNonValida("Attribute without Name")
