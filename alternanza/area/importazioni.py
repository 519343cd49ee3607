"""The page of a file import (alternanza.core.importazioni): progress while it runs, then the outcome,
the first rows with errors and the CSV of all of them. Seen by whoever uploaded the file, and by staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from alternanza.core import importazioni
from alternanza.core.archivi import risposta_file
from alternanza.core.models import Importazione
from distretti.permissions import ambito_di


def _visibile(request, pk: int) -> Importazione:
    importazione = get_object_or_404(Importazione, pk=pk)
    if importazione.richiesta_da_id != request.user.pk and not ambito_di(request.user).staff:
        raise Http404  # someone else's file: not even its existence is told
    return importazione


@login_required
@require_safe
def importazione(request, pk: int):
    oggetto = _visibile(request, pk)
    percento, righe = importazioni.progresso(oggetto)
    tipo = importazioni.tipo(oggetto.tipo)
    return render(
        request,
        "area/importazione.html",
        {
            "importazione": oggetto,
            "etichetta": tipo.etichetta,
            "url_ritorno": reverse(tipo.url_ritorno),
            "modello_riepilogo": tipo.modello_riepilogo,
            "percento": percento,
            "righe": righe,
            "senza_valutazione": True,
        },
    )


@login_required
@require_safe
def stato(request, pk: int):
    """JSON polled by the page (static/js/avanzamento.js)."""
    oggetto = _visibile(request, pk)
    percento, righe = importazioni.progresso(oggetto)
    risposta = JsonResponse(
        {
            "stato": oggetto.stato,
            "stato_etichetta": oggetto.get_stato_display(),
            "progresso": percento,
            "fase": "",
            "righe": righe,
            "finito": oggetto.finita,
        }
    )
    risposta["Cache-Control"] = "no-store"
    return risposta


@login_required
@require_safe
def errori(request, pk: int):
    oggetto = _visibile(request, pk)
    if not oggetto.file_errori:
        raise Http404
    return risposta_file(oggetto.file_errori, f"errori-importazione-{oggetto.pk}.csv", tipo="text/csv")
