"""Host organisations' evaluations: the school asks (mail with a signed link), the host answers through
the link without an account (alternanza.progetti.valutazioni owns the link and the records)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alternanza.progetti import valutazioni, workflow
from alternanza.progetti.forms import ValutazioneOspitanteForm
from alternanza.progetti.models import ProgettoOrganizzazione
from alternanza.progetti.views._accesso import get_progetto_visibile


@login_required
@require_POST
def richiedi(request, pk, partecipazione):
    progetto = get_progetto_visibile(request, pk)
    if not workflow.puo_chiedere_valutazione(request.user, progetto):
        raise PermissionDenied
    ospite = get_object_or_404(
        progetto.partecipazioni.select_related("organizzazione").filter(
            ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE
        ),
        pk=partecipazione,
    )
    try:
        valutazione = valutazioni.richiedi(ospite)
    except valutazioni.SenzaIndirizzo:
        messages.error(
            request,
            _(
                "Non c'è un indirizzo a cui scrivere per «%(org)s»: aggiungi l'e-mail del tutor "
                "dell'organizzazione nel progetto."
            )
            % {"org": ospite.organizzazione.nome},
        )
    else:
        messages.success(
            request,
            _("Richiesta di valutazione inviata a %(indirizzo)s.") % {"indirizzo": valutazione.richiesta_a},
        )
    return redirect(f"{progetto.get_absolute_url()}#valutazioni")


def _link_non_valido(request, scaduto: bool = False, chiuso: bool = False):
    return render(
        request,
        "progetti/valutazione/link_non_valido.html",
        {"scaduto": scaduto, "chiuso": chiuso, "senza_valutazione": True},
        status=410 if (scaduto or chiuso) else 404,
    )


@never_cache
def compila(request, token):
    """The form the host's tutor fills in from the mailed link (no account)."""
    try:
        valutazione = valutazioni.da_token(token)
    except valutazioni.LinkScaduto:
        return _link_non_valido(request, scaduto=True)
    except valutazioni.LinkNonValido:
        return _link_non_valido(request)
    progetto = valutazione.partecipazione.progetto
    if progetto.stato not in workflow.STATI_VALUTAZIONE:
        return _link_non_valido(request, chiuso=True)
    prima_volta = valutazione.compilata_il is None
    form = ValutazioneOspitanteForm(request.POST or None, instance=valutazione)
    if request.method == "POST" and form.is_valid():
        valutazioni.registra(form.save(commit=False), prima_volta)
        return render(
            request,
            "progetti/valutazione/grazie.html",
            {"progetto": progetto, "valutazione": valutazione, "senza_valutazione": True},
        )
    return render(
        request,
        "progetti/valutazione/compila.html",
        {
            "form": form,
            "progetto": progetto,
            "organizzazione": valutazione.partecipazione.organizzazione,
            "valutazione": valutazione,
            "senza_valutazione": True,
        },
    )
