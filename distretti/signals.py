"""Changes to the territory make its cached public pages stale (areas "territorio" and "scuole" of
alternanza.core.cache); bulk writers (the registry import, the demo loader) call `invalida_scuole()`."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from alternanza.core.cache import invalida, invalida_scuole
from distretti.models import AmbitoTematico, Comune, Distretto, Scuola, ScuolaNome


def _invalida_territorio(**_kwargs: Any) -> None:
    invalida("territorio")


def collega() -> None:
    """Connect the receivers (called once, from DistrettiConfig.ready)."""
    for modelli, ricevitore in (
        ((Distretto, Comune, AmbitoTematico), _invalida_territorio),
        ((Scuola, ScuolaNome), invalida_scuole),
    ):
        for modello in modelli:
            for nome, segnale in (("save", post_save), ("delete", post_delete)):
                segnale.connect(ricevitore, sender=modello, dispatch_uid=f"cache-{nome}-{modello.__name__}")
