"""Portal-wide pages: home, institutional pages (privacy, accessibility, legal notes, contacts) and the
anonymous page-feedback form required by the AgID design guidelines."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Avg, Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alternanza.core.cache import pagina_pubblica_in_cache
from alternanza.core.rete import consenti_richiesta
from alternanza.pagine.models import ValutazionePagina
from distretti.models import AmbitoTematico, Distretto

# Date of the last editorial change of each institutional page (shown at the bottom of the page).
PAGINE_STATICHE = {
    "privacy": dt.date(2026, 11, 24),
    "accessibilita": dt.date(2026, 11, 24),
    "note_legali": dt.date(2026, 11, 24),
    "contatti": dt.date(2026, 11, 24),
}
AGGIORNAMENTO_HOME = dt.date(2026, 11, 24)


@pagina_pubblica_in_cache("territorio")
def home(request):
    return render(
        request,
        "pagine/home.html",
        {
            "distretti": Distretto.objects.annotate(n_comuni=Count("comuni")).order_by("nome"),
            "ambiti": AmbitoTematico.objects.all(),
            "ultimo_aggiornamento": AGGIORNAMENTO_HOME,
        },
    )


@pagina_pubblica_in_cache("istituzionali")
def pagina_statica(request, pagina: str):
    if pagina not in PAGINE_STATICHE:
        raise Http404
    return render(request, f"pagine/{pagina}.html", {"ultimo_aggiornamento": PAGINE_STATICHE[pagina]})


@require_POST
def valutazione(request):
    """Store one anonymous rating and go back to the page it was given on (works without JavaScript)."""
    pagina = request.POST.get("pagina", "")
    if not url_has_allowed_host_and_scheme(pagina, allowed_hosts=None) or not pagina.startswith("/"):
        pagina = "/"
    try:
        voto = int(request.POST.get("voto", ""))
    except ValueError:
        voto = 0
    if voto not in ValutazionePagina.Voto.values:
        messages.error(request, _("Scegli una delle risposte prima di inviare la valutazione."))
    elif not consenti_richiesta(request, "valutazione", 30, 60 * 60):
        messages.error(request, _("Hai inviato molte valutazioni: riprova più tardi."))
    else:
        ValutazionePagina.objects.create(pagina=pagina[:300], voto=voto)
        messages.success(request, _("Grazie: la tua valutazione ci aiuta a migliorare il portale."))
    return HttpResponseRedirect(pagina)


@staff_member_required
def valutazioni_staff(request):
    pagine = (
        ValutazionePagina.objects.values("pagina")
        .annotate(n=Count("id"), media=Avg("voto"))
        .order_by("media", "-n")[:200]
    )
    return render(request, "pagine/valutazioni.html", {"pagine": pagine, "senza_valutazione": True})
