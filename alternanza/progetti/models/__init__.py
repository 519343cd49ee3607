"""Models of the projects app: the project and its parts (progetto.py), the network's actions, technical
assistance and models library (rete.py)."""

from alternanza.progetti.models.progetto import (
    CAMPI_SOMMATI,
    STATI_CONVALIDATI,
    STATI_MODELLABILI,
    STATI_MODIFICABILI,
    STATI_PUBBLICI,
    DocumentoProgetto,
    FotoProgetto,
    Progetto,
    ProgettoOrganizzazione,
    ProgettoQuerySet,
    StatoProgetto,
    TransizioneProgetto,
    condizione_pubblici,
)
from alternanza.progetti.models.rete import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    ModelloIntervento,
)
from alternanza.progetti.models.valutazione import ValutazioneOspitante

__all__ = [
    "CAMPI_SOMMATI",
    "STATI_CONVALIDATI",
    "STATI_MODELLABILI",
    "STATI_MODIFICABILI",
    "STATI_PUBBLICI",
    "AdozioneModello",
    "AssistenzaTecnica",
    "AzioneDiRete",
    "DocumentoProgetto",
    "FotoProgetto",
    "ModelloIntervento",
    "Progetto",
    "ProgettoOrganizzazione",
    "ProgettoQuerySet",
    "StatoProgetto",
    "TransizioneProgetto",
    "ValutazioneOspitante",
    "condizione_pubblici",
]
