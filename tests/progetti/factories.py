"""Factories of the projects area: projects, partners, network actions, models library."""

from __future__ import annotations

import datetime
import re
from html import unescape

import factory

from alternanza.progetti.models import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    FotoProgetto,
    ModelloIntervento,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
)
from tests.factories import OrganizzazioneFactory, ScuolaFactory, immagine_salvata


class ProgettoFactory(factory.django.DjangoModelFactory):
    """A draft project of a Bologna school for 2025/26 with consistent student counts."""

    class Meta:
        model = Progetto
        skip_postgeneration_save = True

    scuola = factory.SubFactory(ScuolaFactory)
    anno_scolastico = "2025/26"
    titolo = factory.Sequence(lambda n: f"Progetto di alternanza {n}")
    descrizione = "Percorso di alternanza scuola-lavoro con un'impresa del territorio."
    obiettivi = "Conoscere il lavoro in azienda."
    classi = "4A"
    ore_previste = 40
    ore_svolte = 0
    studenti_totale = 20
    studenti_ragazze = 8
    studenti_origine_straniera = 3
    studenti_con_sostegno = 1
    studenti_con_formazione_sicurezza = 20
    consenso_vetrina = True
    stato = StatoProgetto.BOZZA

    @factory.post_generation
    def ospitanti(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for organizzazione in extracted:
            ProgettoOrganizzazione.objects.create(
                progetto=obj, organizzazione=organizzazione, ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE
            )


class ProgettoPubblicatoFactory(ProgettoFactory):
    stato = StatoProgetto.PUBBLICATO
    pubblicato_il = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))


class AzioneDiReteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AzioneDiRete

    titolo = factory.Sequence(lambda n: f"Azione di rete {n}")
    descrizione = "Scambio di esperienze tra distretti."
    livello = AzioneDiRete.Livello.METROPOLITANO
    promotore = AzioneDiRete.Promotore.CITTA_METROPOLITANA
    stato = AzioneDiRete.Stato.IN_CORSO
    data_inizio = datetime.date(2025, 9, 1)
    pubblica = True


class AssistenzaTecnicaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistenzaTecnica

    azione = factory.SubFactory(AzioneDiReteFactory)
    data = datetime.date(2025, 11, 10)
    tema = "Progettazione di percorsi PCTO"
    ore = 4


class ModelloInterventoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelloIntervento

    titolo = factory.Sequence(lambda n: f"Modello di intervento {n}")
    azione = factory.SubFactory(AzioneDiReteFactory)
    contesto = "Contesto del modello."
    fasi = "1. Analisi. 2. Co-progettazione. 3. Realizzazione."
    pubblicato = True


class AdozioneModelloFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdozioneModello

    modello = factory.SubFactory(ModelloInterventoFactory)
    data = datetime.date(2026, 1, 15)


__all__ = ["OrganizzazioneFactory", "ScuolaFactory"]


def pagina_progetti(chiave: str) -> str:
    """Create the data of one public page of the projects area and return its Italian path
    (for tests/browser/pagine.py: accessibility and HTML checks)."""
    from django.urls import reverse

    from tests.factories import comune

    scuola = ScuolaFactory(comune=comune("Imola"), denominazione="Istituto tecnico Paolini Cassiano")
    org = OrganizzazioneFactory(nome="Meccanica Imolese S.r.l.")
    progetti = [
        ProgettoPubblicatoFactory(scuola=scuola, titolo=f"Reparto meccanico {n}", ospitanti=[org])
        for n in range(22)
    ]
    progetti[0].comuni.add(comune("Imola"))
    for n, alt in enumerate(["Studenti al banco di collaudo", "Il tutor mostra il tornio"]):
        foto = immagine_salvata(f"progetti/prova/foto-{n}.jpg", (1600, 1200), (40 + 60 * n, 90, 140))
        FotoProgetto.objects.create(
            progetto=progetti[0],
            immagine=foto["immagine"],
            larghezza=foto["larghezza_immagine"],
            altezza=foto["altezza_immagine"],
            testo_alternativo=alt,
            didascalia=alt,
        )
    azione = AzioneDiReteFactory(titolo="Scambio di esperienze tra distretti")
    azione.progetti.add(progetti[0])
    modello = ModelloInterventoFactory(
        azione=azione, titolo="Stage in officina", distretto=scuola.comune.distretto
    )
    AdozioneModelloFactory(modello=modello, distretto=comune("Bologna").distretto, note="Adattato.")
    return {
        "vetrina": reverse("progetti:vetrina"),
        "ricerca": reverse("progetti:vetrina") + "?q=meccanica&distretto=imola",
        "progetto": reverse("progetti:progetto", args=[progetti[0].pk]),
        "azioni": reverse("progetti:azioni"),
        "azione": reverse("progetti:azione", args=[azione.pk]),
        "modelli": reverse("progetti:modelli"),
        "modello": reverse("progetti:modello", args=[modello.pk]),
        "dati": reverse("progetti:dati"),
    }[chiave]


def titoli_schede(risposta) -> list[str]:
    """The titles of the showcase's result cards, in order, as the visitor reads them (cached or not)."""
    html = risposta.content.decode()
    titoli = re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]*)</a></h2>', html)
    return [unescape(t) for t in titoli]
