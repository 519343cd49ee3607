"""The identity providers from the AgID registry: its aggregated SAML metadata (an EntitiesDescriptor with
one EntityDescriptor per IdP), loaded from settings.SPID_REGISTRO_URL or from a file."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass

from django.db import transaction

# lxml: entities and network access are disabled in every parser below.
from lxml import etree

from alternanza.spid.models import ProviderSpid

NS_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
MAX_BYTES = 5 * 1024 * 1024


class RegistroNonValido(Exception):
    pass


@dataclass(frozen=True)
class Provider:
    entity_id: str
    nome: str
    metadata: str


def scarica(url: str, timeout: float = 20) -> bytes:
    if not url.startswith("https://"):
        raise RegistroNonValido(f"the registry URL must be https: {url}")
    with urllib.request.urlopen(url, timeout=timeout) as risposta:  # noqa: S310 # nosec B310
        dati = risposta.read(MAX_BYTES + 1)
    if len(dati) > MAX_BYTES:
        raise RegistroNonValido("the registry file is larger than 5 MiB")
    return dati


def leggi(dati: bytes) -> list[Provider]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        radice = etree.fromstring(dati, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise RegistroNonValido(f"not XML: {exc}") from exc
    entita = (
        [radice]
        if radice.tag == f"{{{NS_MD}}}EntityDescriptor"
        else radice.iter(f"{{{NS_MD}}}EntityDescriptor")
    )
    trovati = []
    for e in entita:
        if e.find(f"{{{NS_MD}}}IDPSSODescriptor") is None or not e.get("entityID"):
            continue
        nomi = {
            n.get("{http://www.w3.org/XML/1998/namespace}lang"): (n.text or "").strip()
            for n in e.iter(f"{{{NS_MD}}}OrganizationDisplayName", f"{{{NS_MD}}}OrganizationName")
        }
        nome = nomi.get("it") or next((v for v in nomi.values() if v), e.get("entityID"))
        trovati.append(Provider(e.get("entityID"), nome[:200], etree.tostring(e, encoding="unicode")))
    if not trovati:
        raise RegistroNonValido("no identity provider in the file")
    return trovati


@transaction.atomic
def aggiorna(provider: list[Provider]) -> tuple[int, int]:
    """Upsert the given IdPs as active; deactivate those the registry no longer lists. (added/updated, off)"""
    for p in provider:
        ProviderSpid.objects.update_or_create(
            entity_id=p.entity_id, defaults={"nome": p.nome, "metadata": p.metadata, "attivo": True}
        )
    spenti = (
        ProviderSpid.objects.filter(attivo=True)
        .exclude(entity_id__in=[p.entity_id for p in provider])
        .update(attivo=False)
    )
    return len(provider), spenti
