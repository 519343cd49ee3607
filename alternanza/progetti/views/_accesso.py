"""Object access helpers shared by the views: out of scope → 404, visible but forbidden → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from alternanza.progetti import workflow
from alternanza.progetti.models import Progetto


def get_progetto_visibile(request, pk: int, queryset=None) -> Progetto:
    queryset = queryset if queryset is not None else Progetto.objects.all()
    return get_object_or_404(queryset.visibili_a(request.user), pk=pk)


def get_progetto_modificabile(request, pk: int, verifica=workflow.puo_modificare) -> Progetto:
    """The project if the user may change it now (`verifica`: the workflow's question, e.g.
    workflow.puo_allegare for documents and photos)."""
    progetto = get_progetto_visibile(request, pk, Progetto.objects.select_related("scuola", "distretto"))
    if not verifica(request.user, progetto):
        raise PermissionDenied
    return progetto
