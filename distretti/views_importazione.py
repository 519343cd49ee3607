"""Staff page to import the Ministry's school registry and its student numbers: upload only, the import
runs on a worker and its page follows it (alternanza.core.importazioni; the job is
distretti.importazione_studenti.importa_caricati)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from alternanza.core import importazioni
from distretti.forms import ImportaScuoleForm
from distretti.permissions import ambito_di

TIPO = "anagrafe_scuole"


@login_required
def importa(request):
    """Only metropolitan staff import the registry. All the files of one upload are one job: they are
    written together or not at all, as the command does."""
    if not ambito_di(request.user).staff:
        raise PermissionDenied
    # Bound on every POST, even one without fields (an empty POST is falsy: `or None` would skip the errors).
    form = ImportaScuoleForm(request.POST, request.FILES) if request.method == "POST" else ImportaScuoleForm()
    if request.method == "POST" and form.is_valid():
        importazione = importazioni.richiedi(
            TIPO, form.cleaned_data["file"], request.user, {"rigoroso": form.cleaned_data["strict"]}
        )
        return redirect("area:importazione", pk=importazione.pk)
    recenti = importazioni.recenti(TIPO)
    return render(
        request, "distretti/importa.html", {"form": form, "recenti": recenti, "senza_valutazione": True}
    )
