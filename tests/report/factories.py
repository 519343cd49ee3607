"""Factories and the small hand-built data set of the report tests.

`dati_piccoli()` builds the data set whose indicators are checked by hand in tests/report/test_indicatori.py
(the numbers in the comments are the expected values).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory

from alternanza.progetti.models import (
    AssistenzaTecnica,
    AzioneDiRete,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
)
from alternanza.report.models import OrganoGovernance, ReportJob, StatoJob, TipoReport
from distretti.models import AmbitoTematico, Livello
from partnership.models import Accordo, AreaS3
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune, distretto

ANNO = "2025/26"
ANNO_PRIMA = "2024/25"


class ReportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportJob

    tipo = TipoReport.METROPOLITANO
    anno_scolastico = ANNO
    stato = StatoJob.IN_CODA


class OrganoGovernanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganoGovernance

    nome = factory.Sequence(lambda n: f"Conferenza territoriale di prova {n}")
    tipo = OrganoGovernance.Tipo.CONFERENZA
    destinatari = factory.Sequence(lambda n: f"organo{n}@example.org\nsegreteria{n}@example.org")


def progetto(scuola, anno=ANNO, stato=StatoProgetto.VALIDATO, ospiti=(), ambiti=(), aree_s3=(), **campi):
    p = Progetto.objects.create(
        scuola=scuola,
        anno_scolastico=anno,
        stato=stato,
        titolo=campi.pop("titolo", f"Progetto {scuola.denominazione} {anno}"),
        descrizione="Descrizione di prova.",
        **campi,
    )
    for org in ospiti:
        ProgettoOrganizzazione.objects.create(progetto=p, organizzazione=org)
    if ambiti:
        p.ambiti.set(AmbitoTematico.objects.filter(slug__in=ambiti))
    if aree_s3:
        p.aree_s3.set(aree_s3)
    return p


@dataclass
class DatiPiccoli:
    s1: object
    s2: object
    s3: object
    o1: object
    o2: object
    o3: object
    area: object


def dati_piccoli() -> DatiPiccoli:
    """Two districts with projects (Bologna, Imola), one in the previous year, actions, assistance."""
    bologna, imola = distretto("bologna"), distretto("imola")
    area = AreaS3.objects.filter(prioritaria=True).order_by("ordine").first()
    s1 = ScuolaFactory(
        comune=comune("Bologna"), livello=Livello.SECONDO_GRADO, studenti=1000, denominazione="S1"
    )
    s2 = ScuolaFactory(
        comune=comune("Imola"), livello=Livello.SECONDO_GRADO, studenti=500, denominazione="S2"
    )
    s3 = ScuolaFactory(
        comune=comune("Bologna"), livello=Livello.SECONDO_GRADO, studenti=None, denominazione="S3"
    )
    o1 = OrganizzazioneFactory(nome="O1", comune=comune("Bologna"))
    o1.aree_s3.set([area])
    o2 = OrganizzazioneFactory(nome="O2", comune=comune("Imola"))
    o3 = OrganizzazioneFactory(nome="O3", comune=None, comune_esterno="Modena")

    progetto(
        s1,
        studenti_totale=20,
        studenti_ragazze=8,
        studenti_origine_straniera=4,
        ore_svolte=100,
        sicurezza_svolta=True,
        ospiti=[o1, o2],
        ambiti=["alternanza-scuola-lavoro", "gap-di-genere"],
        titolo="P1",
    )
    progetto(
        s1,
        stato=StatoProgetto.PUBBLICATO,
        studenti_totale=10,
        studenti_ragazze=6,
        ore_svolte=50,
        ospiti=[o1],
        ambiti=["orientamento"],
        titolo="P2",
    )
    progetto(
        s2,
        stato=StatoProgetto.ARCHIVIATO,
        studenti_totale=30,
        studenti_ragazze=9,
        studenti_origine_straniera=6,
        ore_svolte=200,
        sicurezza_svolta=True,
        ospiti=[o3],
        ambiti=["alternanza-scuola-lavoro"],
        aree_s3=[area],
        titolo="P3",
    )
    progetto(s2, stato=StatoProgetto.BOZZA, studenti_totale=99, titolo="P4 bozza non contata")
    progetto(
        s1, anno=ANNO_PRIMA, studenti_totale=10, studenti_ragazze=2, ore_svolte=40, ospiti=[o2], titolo="Q1"
    )

    a1 = AzioneDiRete.objects.create(
        titolo="A1",
        livello=AzioneDiRete.Livello.INTERDISTRETTUALE,
        promotore=AzioneDiRete.Promotore.CITTA_METROPOLITANA,
        data_inizio=datetime.date(2025, 10, 1),
    )
    a1.distretti.set([bologna, imola])
    a2 = AzioneDiRete.objects.create(
        titolo="A2 distrettuale",
        livello=AzioneDiRete.Livello.DISTRETTUALE,
        promotore=AzioneDiRete.Promotore.CITTA_METROPOLITANA,
        data_inizio=datetime.date(2025, 10, 1),
    )
    a2.distretti.set([bologna])
    a3 = AzioneDiRete.objects.create(
        titolo="A3 anno prima",
        livello=AzioneDiRete.Livello.INTERDISTRETTUALE,
        promotore=AzioneDiRete.Promotore.CITTA_METROPOLITANA,
        data_inizio=datetime.date(2024, 10, 1),
        data_fine=datetime.date(2025, 6, 30),
    )
    a3.distretti.set([imola])
    for giorno, d, ore in (
        (datetime.date(2025, 11, 10), bologna, "3.5"),
        (datetime.date(2026, 2, 1), bologna, "2"),
        (datetime.date(2025, 5, 1), imola, "4"),
    ):
        AssistenzaTecnica.objects.create(azione=a1, data=giorno, distretto=d, tema="Tema", ore=Decimal(ore))
    accordo = Accordo.objects.create(
        titolo="Accordo di prova",
        stato=Accordo.Stato.FIRMATO,
        data_firma=datetime.date(2025, 1, 1),
        valido_dal=datetime.date(2025, 1, 1),
        valido_al=datetime.date(2027, 12, 31),
    )
    accordo.distretti.set([bologna])
    return DatiPiccoli(s1, s2, s3, o1, o2, o3, area)
