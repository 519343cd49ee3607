"""Public pages: the showcase of published projects (filters + Italian full-text search) and a project."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from alternanza.core.anno_scolastico import anno_scolastico_di
from alternanza.core.cache import frammento, versioni
from alternanza.progetti import workflow
from alternanza.progetti.cache import AREA, pagina_in_cache
from alternanza.progetti.filters import ProgettoFilter
from alternanza.progetti.models import (
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
)
from alternanza.progetti.views._accesso import get_progetto_visibile

PER_PAGINA = 20
LIMITE_CONTEGGIO = 1000


class PaginatoreLimitato(Paginator):
    """Counts at most LIMITE_CONTEGGIO + 1 rows: an exact COUNT over tens of thousands of published
    (or matching) projects costs more than the page itself, and nobody pages past the 50th page.

    `object_list` is the ordered list of at most LIMITE_CONTEGGIO + 1 primary keys (see `_pk_ordinati`)."""

    @property
    def oltre_il_limite(self) -> bool:
        return self.count > LIMITE_CONTEGGIO


# Every filter of the showcase reads projects, the territory (districts, comuni, thematic areas), schools
# (their names) or organisations (host names): a change in any of these areas bumps the key.
_AREE_RICERCA = (AREA, "territorio", "scuole", "partnership")


def _pk_ordinati(filtro, progetti: Callable[[], QuerySet]) -> list[int]:
    """The primary keys of the first LIMITE_CONTEGGIO + 1 results, in order, cached per filter set.

    Ranking the Italian full-text matches (ts_rank over every match, thousands of rows) is most of the
    cost of a search, and a logged-in user never gets the cached page: the ranked keys are shared by
    everybody (the showcase shows the same published projects to all) until any project, school,
    organisation or territory record changes (their areas' versions are part of the key)."""
    filtro.form.is_valid()  # django-filter applies the valid fields' cleaned data, even of an invalid form
    dati = getattr(filtro.form, "cleaned_data", {})
    criteri = sorted((k, str(v)) for k, v in dati.items() if v not in (None, ""))
    firma = hashlib.sha256(repr(criteri).encode()).hexdigest()[:32]
    chiave = f"progetti:vetrina:pk:{LIMITE_CONTEGGIO}:{':'.join(map(str, versioni(*_AREE_RICERCA)))}:{firma}"
    pk = cache.get(chiave)
    if pk is None:
        pk = list(progetti().values_list("pk", flat=True)[: LIMITE_CONTEGGIO + 1])
        cache.set(chiave, pk, 5 * 60)
    return pk


_CAMPI_ELENCO = (
    "id",
    "titolo",
    "anno_scolastico",
    "descrizione",
    "pubblicato_il",
    "studenti_totale",
    "scuola__id",
    "scuola__denominazione",
    "scuola__comune__id",
    "scuola__comune__nome",
    "distretto__id",
    "distretto__nome",
    "distretto__slug",
)


@pagina_in_cache()
def vetrina(request):
    filtro = ProgettoFilter(request.GET or None, queryset=Progetto.objects.pubblicati())

    def progetti() -> QuerySet:
        if filtro.form.is_valid() and filtro.form.cleaned_data.get("q"):
            return filtro.qs  # ranked by the full-text filter
        return filtro.qs.order_by("-pubblicato_il", "-id")

    pk = _pk_ordinati(filtro, progetti)
    pagina = PaginatoreLimitato(pk, PER_PAGINA).get_page(request.GET.get("pagina"))

    def schede() -> str:
        # Only on a cache miss: the page's rows, in the order of the cached keys.
        righe = Progetto.objects.filter(pk__in=pagina.object_list).select_related(
            "scuola__comune", "distretto"
        )
        per_pk = {p.pk: p for p in righe.only(*_CAMPI_ELENCO)} if pagina.object_list else {}
        progetti_pagina = [per_pk[pk] for pk in pagina.object_list if pk in per_pk]
        prefetch_related_objects(progetti_pagina, "ambiti")
        return render_to_string("progetti/_schede_vetrina.html", {"progetti": progetti_pagina})

    # Rendering the drop-downs (dozens of options through the form renderer) costs more than the page's
    # queries: the fields' HTML depends only on the query string, the language, the territory and the
    # school years offered (which change on 1 September), so it is shared from the cache.
    filtri = frammento(
        request,
        f"progetti-filtri-{anno_scolastico_di()}",
        ("territorio",),
        lambda: render_to_string("progetti/_filtri_vetrina.html", {"filtro": filtro}),
    )
    # The result cards (excerpts, thematic areas, links) are the same for everybody at a given address:
    # shared from the cache while no project, school, organisation or territory record changes.
    html_schede = frammento(request, "progetti-schede", _AREE_RICERCA, schede)
    return render(
        request,
        "progetti/vetrina.html",
        {
            "filtro": filtro,
            "filtri": mark_safe(filtri),  # noqa: S308 - our own template, escaped when rendered  # nosec
            "schede": mark_safe(html_schede),  # noqa: S308 - our own template, escaped when rendered  # nosec
            "pagina": pagina,
            "limite": LIMITE_CONTEGGIO,
        },
    )


@pagina_in_cache()
def progetto(request, pk):
    progetto = get_progetto_visibile(
        request, pk, Progetto.objects.select_related("scuola__comune", "distretto", "partnership")
    )
    ruoli = workflow.ruoli_su(request.user, progetto)
    riservato = bool(ruoli) or (progetto.stato != StatoProgetto.PUBBLICATO or not progetto.consenso_vetrina)
    documenti = progetto.documenti.all()
    if not ruoli:
        documenti = documenti.filter(pubblico=True)
    prefetch_related_objects(
        [progetto],
        Prefetch(
            "partecipazioni",
            queryset=ProgettoOrganizzazione.objects.select_related("organizzazione").order_by(
                "ruolo", "organizzazione__nome"
            ),
        ),
        "ambiti",
        "aree_s3",
        "comuni",
        "foto",
    )
    if ruoli:
        # The people of the project see whether each host organisation has a valid convenzione.
        from partnership.models import Convenzione

        ospitanti = [
            p for p in progetto.partecipazioni.all() if p.ruolo == ProgettoOrganizzazione.Ruolo.OSPITANTE
        ]
        stato = Convenzione.objects.stato_per(progetto.scuola_id, [p.organizzazione_id for p in ospitanti])
        for partecipazione in ospitanti:
            partecipazione.convenzione = stato[partecipazione.organizzazione_id]
            partecipazione.mostra_convenzione = True
    contesto = {
        "progetto": progetto,
        "documenti": documenti,
        "ruoli": ruoli,
        "riservato": riservato,
        "azioni": workflow.azioni_possibili(request.user, progetto),
        "puo_modificare": workflow.puo_modificare(request.user, progetto),
        "puo_copiare": workflow.puo_copiare(request.user, progetto),
        "ultimo_aggiornamento": progetto.aggiornato_il,
    }
    if ruoli:
        contesto["transizioni"] = progetto.transizioni.all()[:50]
        contesto["senza_valutazione"] = True
    return render(request, "progetti/progetto.html", contesto)
