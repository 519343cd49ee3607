"""Demo data of the reports: the governance bodies that receive them (called by `carica_demo`).

The same few bodies at every scale (one metropolitan, a Conferenza territoriale and an Ufficio di Piano
per district); addresses are on example.org. Running it twice adds nothing.
"""

from __future__ import annotations

import random

from alternanza.report.models import OrganoGovernance
from distretti.models import Distretto


def carica(scala: str, rng: random.Random) -> None:
    organi: list[tuple[str, OrganoGovernance.Tipo, Distretto | None, str]] = [
        (
            "Comitato di indirizzo del Piano Strategico Metropolitano",
            OrganoGovernance.Tipo.PSM,
            None,
            "psm.governance@example.org",
        )
    ]
    for distretto in Distretto.objects.order_by("nome"):
        organi.append(
            (
                f"Conferenza territoriale – {distretto.nome}",
                OrganoGovernance.Tipo.CONFERENZA,
                distretto,
                f"conferenza.{distretto.slug}@example.org",
            )
        )
        organi.append(
            (
                f"Ufficio di Piano – {distretto.nome}",
                OrganoGovernance.Tipo.UFFICIO_PIANO,
                distretto,
                f"ufficiodipiano.{distretto.slug}@example.org",
            )
        )
    for nome, tipo, distretto_organo, email in organi:
        OrganoGovernance.objects.get_or_create(
            nome=nome, defaults={"tipo": tipo, "distretto": distretto_organo, "destinatari": email}
        )
