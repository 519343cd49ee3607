"""Text search in Italian over any queryset: word forms, accents and typos, ranked. PostgreSQL only.

One function, `cerca(queryset, testo, ...)`, used by the site-wide search, the partner directory, the
school search and the showcase, so that they understand people the same way:

- word forms: an Italian full-text match (configuration 'italian': "automazione" finds "automazioni")
  over the `testi` columns, accents removed on both sides (unaccent: "citta" finds "Città");
- names as typed: every word of the text inside the `nome` column ("liceo righi" finds "LICEO
  SCIENTIFICO AUGUSTO RIGHI"), or inside its normal form `normalizzato` (alternanza.core.nomi: "Coppola srl"
  finds "Automazioni Coppola S.r.l.");
- typos: trigram word similarity (pg_trgm) between the text and the name ("automazoni" finds it too).

Results are annotated with `rilevanza` (full-text rank plus name similarity) and ordered by it. The
caller passes a queryset already scoped to the user (`visibili_a`): the search never widens it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db.models import F, FloatField, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Greatest, Lower

from alternanza.core.nomi import normalizza_nome, senza_accenti

MASSIMO = 200  # characters of the text that count


def pulisci(testo: str | None) -> str:
    """The text as searched: spaces collapsed, at most MASSIMO characters, no NUL."""
    return " ".join((testo or "").replace("\x00", " ").split())[:MASSIMO]


def query_italiana(testo: str) -> SearchQuery:
    """The full-text query of `testo` (websearch syntax: quotes, -excluded), accents removed."""
    return SearchQuery(senza_accenti(testo), config="italian", search_type="websearch")


def vettore(*campi: str) -> SearchVector:
    """The Italian vector of `campi`, accents removed (computed at query time)."""
    return SearchVector(
        *[Unaccent(Coalesce(F(c), Value(""), output_field=TextField())) for c in campi], config="italian"
    )


PAROLA_SIMILE = 4  # letters from which a word may match a similar one (a typo) instead of itself


def _parole(campo: str, testo: str) -> Q:
    """Every word of `testo` in `campo` (already lower case, unaccented): as it is, or, from
    PAROLA_SIMILE letters, a similar word (pg_trgm word similarity: "rigi" for "righi")."""
    condizione = Q()
    for parola in testo.split():
        una = Q(**{f"{campo}__contains": parola})
        if len(parola) >= PAROLA_SIMILE:
            una |= Q(**{f"{campo}__trigram_word_similar": parola})
        condizione &= una
    return condizione


def cerca(
    queryset: QuerySet,
    testo: str,
    *,
    testi: tuple[str, ...] = (),
    vettore_campo: str = "",
    nome: str = "",
    normalizzato: str = "",
    normalizza: Callable[[str], str] = normalizza_nome,
    altri: Q | None = None,
) -> QuerySet:
    """`queryset` filtered by `testo` and ordered by relevance (see the module docstring).

    `testi`: columns for the full-text match (or `vettore_campo`, a stored search vector such as
    Progetto.ricerca); `nome`: the name column (every word, and typos); `normalizzato`: a column with
    the normal form of the name (then words and typos are matched on it); `altri`: more conditions
    that also make a record match (e.g. its thematic areas)."""
    testo = pulisci(testo)
    if not testo:
        return queryset
    query = query_italiana(testo)
    condizioni: list[Q] = []
    punteggi: list[Any] = []
    if vettore_campo:
        # A stored vector (with accents, as the trigger writes it): the text as typed and unaccented.
        query_grezza = SearchQuery(testo, config="italian", search_type="websearch")
        condizioni.append(Q(**{vettore_campo: query}) | Q(**{vettore_campo: query_grezza}))
        punteggi.append(SearchRank(F(vettore_campo), query | query_grezza))
    elif testi == (normalizzato,):
        # The normal form has no accents already: the plain vector, the one its GIN index holds.
        query_normale = query_italiana(normalizza(testo) or testo)  # "Coppola srl" → 'coppol'
        queryset = queryset.annotate(_vettore=SearchVector(normalizzato, config="italian"))
        condizioni.append(Q(_vettore=query_normale))
        punteggi.append(SearchRank(F("_vettore"), query_normale))
    elif testi:
        queryset = queryset.annotate(_vettore=vettore(*testi))
        condizioni.append(Q(_vettore=query))
        punteggi.append(SearchRank(F("_vettore"), query))
    if normalizzato:
        normale = normalizza(testo)
        if normale:
            condizioni.append(
                _parole(normalizzato, normale) | Q(**{f"{normalizzato}__trigram_word_similar": normale})
            )
            punteggi.append(TrigramWordSimilarity(normale, normalizzato))
    elif nome:
        semplice = senza_accenti(testo).casefold()
        queryset = queryset.annotate(_nome_semplice=Lower(Unaccent(F(nome))))
        condizioni.append(
            _parole("_nome_semplice", semplice) | Q(_nome_semplice__trigram_word_similar=semplice)
        )
        punteggi.append(TrigramWordSimilarity(semplice, "_nome_semplice"))
    if altri is not None:
        condizioni.append(altri)
    if not condizioni:
        return queryset.none()
    condizione = condizioni[0]
    for altra in condizioni[1:]:
        condizione |= altra
    rilevanza = (
        Greatest(*punteggi, output_field=FloatField())
        if len(punteggi) > 1
        else punteggi[0]
        if punteggi
        else Value(0.0, output_field=FloatField())
    )
    return queryset.filter(condizione).annotate(rilevanza=rilevanza).order_by("-rilevanza", "pk")
