"""The site-wide search (/cerca/): one text, six kinds of record, each read through its app's scope.

Every kind starts from `visibili_a(user)` of the owning app (visitors: only public records; logged-in
users: what their roles allow), then alternanza.core.ricerca.cerca matches the text (Italian word forms,
accents, names as typed, typos). The page shows the first results of each kind; one kind at a time
(`?tipo=`) comes paginated with its own filters. One query per kind shown (a slice of LIMITE + 1 tells
whether there are more), plus one COUNT when a single kind is paginated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alternanza.core import ricerca
from alternanza.core.tipi import Utente
from alternanza.progetti.models import ModelloIntervento, Progetto
from alternanza.progetti.ricerca import per_ambiti
from distretti.models import Distretto, Livello, Scuola
from eventi.models import Evento, Notizia
from partnership.models import Organizzazione

LIMITE = 5  # results of each kind on the grouped page


@dataclass(frozen=True)
class Filtro:
    """A filter of one kind: GET parameter, label, choices (value, label) and how it narrows."""

    nome: str
    etichetta: Promise
    scelte: Callable[[], list[tuple[str, str]]]
    applica: Callable[[QuerySet, str], QuerySet]


@dataclass(frozen=True)
class Tipo:
    chiave: str
    etichetta: Promise
    cerca: Callable[[Utente, str], QuerySet]
    filtri: tuple[Filtro, ...] = field(default=())


def _distretti() -> list[tuple[str, str]]:
    return [(str(d.pk), d.nome) for d in Distretto.objects.only("id", "nome").order_by("nome")]


def _per_distretto(percorso: str) -> Callable[[QuerySet, str], QuerySet]:
    return lambda qs, valore: qs.filter(**{percorso: valore}) if valore.isdigit() else qs


def _progetti(user: Utente, testo: str) -> QuerySet:
    # The school's name as a subquery, not a join: PostgreSQL evaluates it for the rows shown only (after
    # the sort and the limit), where a join hashed every school for thousands of matching projects.
    qs = (
        Progetto.objects.visibili_a(user)
        .only("id", "titolo", "anno_scolastico", "stato", "scuola_id")
        .annotate(
            nome_scuola=Subquery(
                Scuola.objects.filter(pk=OuterRef("scuola_id")).order_by().values("denominazione")
            )
        )
    )
    return ricerca.cerca(qs, testo, vettore_campo="ricerca", altri=per_ambiti(testo))


def _eventi(user: Utente, testo: str) -> QuerySet:
    qs = Evento.objects.visibili_a(user).only("id", "titolo", "slug", "stato", "luogo")
    # The stored vector (title, place, description) carries a GIN index: computing it for every visible
    # event on each query cost most of the search's time on 5,000 events.
    return ricerca.cerca(qs, testo, vettore_campo="ricerca", nome="titolo")


def _notizie(user: Utente, testo: str) -> QuerySet:
    qs = Notizia.objects.pubblicate().only("id", "titolo", "slug", "sommario", "data_pubblicazione")
    return ricerca.cerca(qs, testo, testi=("titolo", "sommario", "testo"), nome="titolo")


def _organizzazioni(user: Utente, testo: str) -> QuerySet:
    qs = (
        Organizzazione.objects.visibili_a(user)
        .select_related("comune")
        .only("id", "nome", "slug", "tipo", "comune__nome", "comune_esterno", "nome_normalizzato")
    )
    # The stored normal form and its generated vector carry the GIN indexes (trigram, full text).
    return ricerca.cerca(qs, testo, vettore_campo="vettore_nome", normalizzato="nome_normalizzato")


def _scuole(user: Utente, testo: str) -> QuerySet:
    qs = (
        Scuola.objects.visibili_a(user)
        .select_related("comune")
        .only("id", "denominazione", "codice_meccanografico", "comune__nome", "livello")
    )
    codice = ricerca.pulisci(testo).upper()
    return ricerca.cerca(
        qs,
        testo,
        testi=("denominazione",),
        nome="denominazione",
        altri=Q(codice_meccanografico=codice) if len(codice) == 10 else None,
    )


def _modelli(user: Utente, testo: str) -> QuerySet:
    qs = ModelloIntervento.objects.visibili_a(user).only("id", "titolo", "contesto")
    return ricerca.cerca(qs, testo, testi=("titolo", "contesto", "fasi", "risultati"), nome="titolo")


TIPI: tuple[Tipo, ...] = (
    Tipo(
        "progetti",
        _("Progetti"),
        _progetti,
        (Filtro("distretto", _("Distretto"), _distretti, _per_distretto("distretto_id")),),
    ),
    Tipo(
        "eventi",
        _("Eventi del Festival"),
        _eventi,
        (Filtro("distretto", _("Distretto"), _distretti, _per_distretto("distretto_id")),),
    ),
    Tipo("notizie", _("Notizie"), _notizie),
    Tipo(
        "organizzazioni",
        _("Organizzazioni"),
        _organizzazioni,
        (
            Filtro(
                "tipo_organizzazione",
                _("Tipo"),
                lambda: [(str(v), str(e)) for v, e in Organizzazione.Tipo.choices],
                lambda qs, v: qs.filter(tipo=v) if v in Organizzazione.Tipo.values else qs,
            ),
            Filtro("distretto", _("Distretto"), _distretti, _per_distretto("comune__distretto_id")),
        ),
    ),
    Tipo(
        "scuole",
        _("Scuole"),
        _scuole,
        (
            Filtro(
                "livello",
                _("Livello"),
                lambda: [(str(v), str(e)) for v, e in Livello.choices],
                lambda qs, v: qs.filter(livello=v) if v in Livello.values else qs,
            ),
            Filtro("distretto", _("Distretto"), _distretti, _per_distretto("comune__distretto_id")),
        ),
    ),
    Tipo("modelli", _("Modelli di intervento"), _modelli),
)
PER_CHIAVE = {t.chiave: t for t in TIPI}


def raggruppati(user: Utente, testo: str) -> list[dict[str, Any]]:
    """The first LIMITE results of every kind (and whether there are more): one query per kind."""
    gruppi = []
    for tipo in TIPI:
        trovati = list(tipo.cerca(user, testo)[: LIMITE + 1])
        gruppi.append({"tipo": tipo, "risultati": trovati[:LIMITE], "altri": len(trovati) > LIMITE})
    return gruppi


def di_un_tipo(tipo: Tipo, user: Utente, testo: str, parametri) -> tuple[QuerySet, list[dict[str, Any]]]:
    """The results of one kind narrowed by its filters, and the filters as the form shows them."""
    qs = tipo.cerca(user, testo)
    filtri = []
    for f in tipo.filtri:
        valore = str(parametri.get(f.nome, ""))[:40]
        if valore:
            qs = f.applica(qs, valore)
        filtri.append({"filtro": f, "valore": valore, "scelte": f.scelte()})
    return qs, filtri
