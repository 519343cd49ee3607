"""Text search in Italian over any queryset: word forms, accents and typos, ranked. PostgreSQL only.

One function, `cerca(queryset, testo, ...)`, used by the site-wide search, the partner directory, the
school search and the showcase, so that they understand people the same way:

- word forms: an Italian full-text match (configuration 'italian': "automazione" finds "automazioni")
  over the `testi` columns, accents removed on both sides (unaccent: "citta" finds "Città");
- names as typed: every word of the text inside the `nome` column ("liceo righi" finds "LICEO
  SCIENTIFICO AUGUSTO RIGHI"), or inside its normal form `normalizzato` (alternanza.core.nomi: "Coppola srl"
  finds "Automazioni Coppola S.r.l.");
- typos: trigram word similarity (pg_trgm) between the text and the name ("automazoni" finds it too).

Results are ordered by `rilevanza` (full-text rank or name similarity, the higher of the two). The
caller passes a queryset already scoped to the user (`visibili_a`): the search never widens it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import (
    SearchConfig,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db.models import F, FloatField, Func, Index, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Greatest

from alternanza.core.nomi import normalizza_nome, senza_accenti

MASSIMO = 200  # characters of the text that count

# Output fields given to the values the search writes, one instance each: a Value left to guess its type
# builds a new CharField every time it is compiled, a few dozen per search (a tenth of its Python time).
_TESTO: TextField[Any, Any] = TextField()
_DECIMALE: FloatField[Any, Any] = FloatField()
ITALIANO = SearchConfig(Value("italian", output_field=_TESTO))


def come_testo(valore: str) -> Value:
    """`valore` as an SQL text parameter (its type given, see _TESTO)."""
    return Value(valore, output_field=_TESTO)


def pulisci(testo: str | None) -> str:
    """The text as searched: spaces collapsed, at most MASSIMO characters, no NUL."""
    return " ".join((testo or "").replace("\x00", " ").split())[:MASSIMO]


def query_italiana(testo: str) -> SearchQuery:
    """The full-text query of `testo` (websearch syntax: quotes, -excluded), accents removed."""
    return SearchQuery(come_testo(senza_accenti(testo)), config=ITALIANO, search_type="websearch")


class MinuscoloSenzaAccenti(Func):
    """`minuscolo_senza_accenti(x)`: lower(unaccent(x)), one SQL function (migration core 0004) declared
    IMMUTABLE so that expression indexes can hold it (unaccent alone is only STABLE). The searched tables
    index these same expressions (indici_di_ricerca), so a search reads an index instead of every row."""

    function = "minuscolo_senza_accenti"
    output_field = TextField()


def vettore(*campi: str) -> SearchVector:
    """The Italian vector of `campi`, accents removed: the expression an index of the table may hold."""
    return SearchVector(
        *[MinuscoloSenzaAccenti(Coalesce(F(c), Value(""), output_field=TextField())) for c in campi],
        config="italian",
    )


def indici_di_ricerca(prefisso: str, *, testi: tuple[str, ...] = (), nome: str = "") -> list[Index]:
    """The GIN indexes that serve `cerca(..., testi=testi, nome=nome)` on a model: the full-text vector of
    `testi` and the trigrams of `nome` (words as typed, typos), on the very expressions `cerca` queries."""
    indici: list[Index] = []
    if testi:
        indici.append(GinIndex(vettore(*testi), name=f"{prefisso}_fts_gin"))
    if nome:
        indici.append(
            GinIndex(
                OpClass(MinuscoloSenzaAccenti(F(nome)), name="gin_trgm_ops"), name=f"{prefisso}_trgm_gin"
            )
        )
    return indici


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


def _nome_come_scritto(campo: str, testo: str) -> Q:
    """Every word of `testo` in `campo` (see _parole), or the whole text, when it has several words, like a
    part of it."""
    condizione = _parole(campo, testo)
    if " " in testo:
        condizione |= Q(**{f"{campo}__trigram_word_similar": testo})
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
    the normal form of the name (then words and typos are matched on it, and `vettore_campo` is the
    vector of that normal form, such as Organizzazione.vettore_nome); `altri`: more conditions that also
    make a record match (e.g. its thematic areas)."""
    testo = pulisci(testo)
    if not testo:
        return queryset
    query = query_italiana(testo)
    condizioni: list[Q] = []
    punteggi: list[Any] = []
    if vettore_campo and normalizzato:
        # The stored vector of the normal form (no accents, no legal form): matched with the normal form of
        # the text ("Coppola srl" → 'coppol'). Names are ranked by their similarity to what was typed
        # (below): the full-text rank of a short name adds nothing to it.
        condizioni.append(Q(**{vettore_campo: query_italiana(normalizza(testo) or testo)}))
    elif vettore_campo:
        # A stored vector (accents kept or removed, as its trigger writes it): the text unaccented, and as
        # typed when it has accents.
        if senza_accenti(testo) != testo:
            query = query | SearchQuery(come_testo(testo), config=ITALIANO, search_type="websearch")
        condizioni.append(Q(**{vettore_campo: query}))
        punteggi.append(SearchRank(F(vettore_campo), query))
    elif testi:
        # alias, not annotate: the expressions are evaluated where they are used, never selected.
        queryset = queryset.alias(_vettore=vettore(*testi))
        condizioni.append(Q(_vettore=query))
        punteggi.append(SearchRank(F("_vettore"), query))
    if normalizzato:
        normale = normalizza(testo)
        if normale:
            condizioni.append(_nome_come_scritto(normalizzato, normale))
            # The stubs want a str; Django takes an expression too (a typed Value, see _TESTO).
            punteggi.append(TrigramWordSimilarity(come_testo(normale), normalizzato))  # type: ignore[arg-type]
    elif nome:
        semplice = senza_accenti(testo).casefold()
        queryset = queryset.alias(_nome_semplice=MinuscoloSenzaAccenti(F(nome)))
        condizioni.append(_nome_come_scritto("_nome_semplice", semplice))
        punteggi.append(TrigramWordSimilarity(come_testo(semplice), "_nome_semplice"))  # type: ignore[arg-type]
    if altri is not None:
        condizioni.append(altri)
    if not condizioni:
        return queryset.none()
    condizione = condizioni[0]
    for altra in condizioni[1:]:
        condizione |= altra
    rilevanza = (
        Greatest(*punteggi, output_field=_DECIMALE)
        if len(punteggi) > 1
        else punteggi[0]
        if punteggi
        else Value(0.0, output_field=_DECIMALE)
    )
    return queryset.filter(condizione).alias(rilevanza=rilevanza).order_by("-rilevanza", "pk")
