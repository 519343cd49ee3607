"""Public pages: the showcase of published projects (filters + Italian full-text search) and a project."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import render
from django.utils.functional import cached_property

from alternanza.progetti import workflow
from alternanza.progetti.cache import pagina_in_cache
from alternanza.progetti.filters import ProgettoFilter
from alternanza.progetti.models import STATI_MODELLABILI, Progetto, ProgettoOrganizzazione, StatoProgetto
from alternanza.progetti.views._accesso import get_progetto_visibile

PER_PAGINA = 20
LIMITE_CONTEGGIO = 1000


class PaginatoreLimitato(Paginator):
    """Counts at most LIMITE_CONTEGGIO + 1 rows: an exact COUNT over tens of thousands of published
    (or matching) projects costs more than the page itself, and nobody pages past the 50th page."""

    @cached_property
    def count(self) -> int:
        # Only ever built on a queryset (the showcase's), whose slice counts in SQL. Unordered: a sliced
        # count keeps the ORDER BY, and sorting by relevance ranked every match only to count them.
        return cast("QuerySet[Any]", self.object_list).order_by()[: LIMITE_CONTEGGIO + 1].count()

    @property
    def oltre_il_limite(self) -> bool:
        return self.count > LIMITE_CONTEGGIO


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
    progetti = filtro.qs
    if not (filtro.form.is_valid() and filtro.form.cleaned_data.get("q")):
        progetti = progetti.order_by("-pubblicato_il", "-id")  # else ranked by the full-text filter
    progetti = (
        progetti.select_related("scuola__comune", "distretto").only(*_CAMPI_ELENCO).prefetch_related("ambiti")
    )
    pagina = PaginatoreLimitato(progetti, PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(
        request,
        "progetti/vetrina.html",
        {
            "filtro": filtro,
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
    riservato = bool(ruoli) or not progetto.e_pubblico
    documenti = progetto.documenti.all()
    if not ruoli:
        documenti = documenti.filter(pubblico=True)
    prefetch_related_objects(
        [progetto],
        Prefetch(
            "partecipazioni",
            queryset=ProgettoOrganizzazione.objects.select_related("organizzazione", "valutazione").order_by(
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
            # Attributes for the template only, not model fields: the stubs know no such attribute.
            partecipazione.convenzione = stato[partecipazione.organizzazione_id]  # type: ignore[attr-defined]
            partecipazione.mostra_convenzione = True  # type: ignore[attr-defined]
        contesto_ospitanti = {
            "ospitanti": ospitanti,
            "puo_chiedere_valutazione": workflow.puo_chiedere_valutazione(request.user, progetto),
        }
    else:
        contesto_ospitanti = {}
    contesto = {
        "progetto": progetto,
        "documenti": documenti,
        "ruoli": ruoli,
        "riservato": riservato,
        "azioni": workflow.azioni_possibili(request.user, progetto),
        "puo_modificare": workflow.puo_modificare(request.user, progetto),
        "puo_copiare": workflow.puo_copiare(request.user, progetto),
        "puo_allegare": workflow.puo_allegare(request.user, progetto),
        # A project that happened (or is happening) may become a model for others.
        "modellabile": progetto.stato in STATI_MODELLABILI,
        # Visitors read what happened (hours done, results) once the school has concluded it.
        "concluso": progetto.stato == StatoProgetto.CONCLUSO,
        "ultimo_aggiornamento": progetto.aggiornato_il,
        **contesto_ospitanti,
    }
    if ruoli & {workflow.UFFICIO, workflow.STAFF}:
        # After a decision the office goes on to the next project of its queue.
        contesto["prossimo"] = (
            Progetto.objects.da_esaminare_da(request.user)
            .exclude(pk=progetto.pk)
            .only("id", "titolo")
            .first()
        )
    if contesto["puo_copiare"]:
        contesto["copia"] = workflow.copia_esistente(progetto)
    if ruoli:
        contesto["transizioni"] = progetto.transizioni.all()[:50]
        contesto["senza_valutazione"] = True
    return render(request, "progetti/progetto.html", contesto)
