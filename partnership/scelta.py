"""Organisations chosen by search (alternanza.core.scelta): found by name, P.IVA or codice fiscale."""

from __future__ import annotations

from django.utils.translation import gettext as _

from alternanza.core.nomi import normalizza_nome
from alternanza.core.scelta import Sorgente
from partnership.models import Organizzazione
from partnership.validatori import normalizza_codice_fiscale


def _etichetta(o: Organizzazione) -> str:
    etichetta = f"{o.nome} ({o.codice_fiscale})" if o.codice_fiscale else o.nome
    if o.da_verificare:
        etichetta = f"{etichetta} – {_('da verificare')}"
    return etichetta


ORGANIZZAZIONI = Sorgente(
    url="partnership:cerca_organizzazioni",
    campo_nome="nome",
    campi_codice=("codice_fiscale",),
    normalizza_codice=normalizza_codice_fiscale,
    etichetta=_etichetta,
    campi=("nome", "codice_fiscale", "nome_normalizzato", "da_verificare"),
    campo_normalizzato="nome_normalizzato",
    normalizza_nome=normalizza_nome,
)
