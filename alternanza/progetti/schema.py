"""schema.org data (JSON-LD) of a project page in the showcase: a Project (an Organization in
schema.org's terms) with its school, the host organisations, places, period, thematic areas, photos."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from alternanza.core.testo import testo_semplice

CITTA_METROPOLITANA = {"@type": "GovernmentOrganization", "name": "Città metropolitana di Bologna"}
FOTO_MASSIME = 3


def _assoluto(percorso: str) -> str:
    return settings.SITE_URL + percorso


def _luogo(comune) -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": comune.nome,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": comune.nome,
            "addressRegion": "BO",
            "addressCountry": "IT",
        },
    }


def dati_progetto(progetto) -> dict[str, Any]:
    """The schema.org Project of a published project (with `partecipazioni`, `ambiti`, `comuni` and
    `foto` prefetched, `scuola__comune` selected, as the project page loads them)."""
    scuola = progetto.scuola
    dati: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": progetto.titolo,
        "description": testo_semplice(progetto.descrizione, 500),
        "url": _assoluto(progetto.get_absolute_url()),
        "inLanguage": "it",
        "parentOrganization": {
            "@type": "EducationalOrganization",
            "name": scuola.denominazione,
            "url": _assoluto(scuola.get_absolute_url()),
        },
        "funder": CITTA_METROPOLITANA,
    }
    membri = [{"@type": "Organization", "name": p.organizzazione.nome} for p in progetto.partecipazioni.all()]
    if membri:
        dati["member"] = membri
    comuni = list(progetto.comuni.all()) or ([scuola.comune] if scuola.comune_id else [])
    if comuni:
        luoghi = [_luogo(c) for c in comuni]
        dati["location"] = luoghi[0] if len(luoghi) == 1 else luoghi
    if progetto.data_inizio:
        dati["foundingDate"] = progetto.data_inizio.isoformat()
    if progetto.data_fine:
        dati["dissolutionDate"] = progetto.data_fine.isoformat()
    ambiti = [a.nome for a in progetto.ambiti.all()]
    if ambiti:
        dati["knowsAbout"] = ambiti
    foto = [_assoluto(f.immagine.url) for f in list(progetto.foto.all())[:FOTO_MASSIME]]
    if foto:
        dati["image"] = foto
    return dati
