"""Schools and comuni chosen by search (alternanza.core.scelta): how they are found and labelled."""

from __future__ import annotations

from alternanza.core.scelta import Sorgente
from distretti.models import Comune, Scuola


def _etichetta_scuola(s: Scuola) -> str:
    return f"{s.denominazione} – {s.comune.nome} ({s.codice_meccanografico})"


SCUOLE = Sorgente(
    url="distretti:cerca_scuole",
    campo_nome="denominazione",
    campi_codice=("codice_meccanografico",),
    etichetta=_etichetta_scuola,
    campi=("denominazione", "codice_meccanografico", "comune__nome"),
    collegati=("comune",),
)


def _etichetta_comune(c: Comune) -> str:
    return c.nome


COMUNI = Sorgente(
    url="distretti:cerca_comuni",
    campo_nome="nome",
    campi_codice=("codice_istat", "codice_catastale"),
    etichetta=_etichetta_comune,
    campi=("nome",),
)
