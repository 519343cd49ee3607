"""Staff pages of the reviewer groups: saved lists of addresses that receive an issue's test sends
(ProvaForm offers them next to the typed addresses). Staff only, like every newsletter management page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alternanza.core.utenti import richiede
from distretti.permissions import di_staff

from ..forms import GruppoRevisoriForm
from ..models import GruppoRevisori


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def gruppi(request):
    """The groups, and the form that adds one (it keeps what was typed when something is wrong)."""
    form = GruppoRevisoriForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        gruppo = form.save()
        messages.success(request, _("Gruppo «%(nome)s» creato.") % {"nome": gruppo.nome})
        return redirect("newsletter:gruppi_revisori")
    contesto = {"gruppi": list(GruppoRevisori.objects.all()), "form": form, "senza_valutazione": True}
    return render(request, "newsletter/gestione/gruppi_revisori.html", contesto)


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def gruppo(request, pk: int):
    gruppo = get_object_or_404(GruppoRevisori, pk=pk)
    form = GruppoRevisoriForm(request.POST or None, instance=gruppo)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Gruppo «%(nome)s» aggiornato.") % {"nome": gruppo.nome})
        return redirect("newsletter:gruppi_revisori")
    contesto = {"gruppo": gruppo, "form": form, "senza_valutazione": True}
    return render(request, "newsletter/gestione/gruppo_revisori.html", contesto)


@richiede(di_staff)
@require_POST
def gruppo_elimina(request, pk: int):
    gruppo = get_object_or_404(GruppoRevisori, pk=pk)
    gruppo.delete()
    messages.success(request, _("Gruppo «%(nome)s» eliminato.") % {"nome": gruppo.nome})
    return redirect("newsletter:gruppi_revisori")
