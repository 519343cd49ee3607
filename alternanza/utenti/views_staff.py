"""Staff pages of the accounts area: users and their sessions, the security log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alternanza.core.utenti import richiede
from alternanza.utenti import sessioni
from alternanza.utenti.models import EventoSicurezza
from alternanza.utenti.sicurezza import registra
from distretti.permissions import di_staff

PER_PAGINA = 50


@richiede(di_staff)
def utenti(request):
    q = request.GET.get("q", "").strip()
    qs = (
        get_user_model()
        .objects.annotate(n_sessioni=Count("sessioni_portale", distinct=True))
        .order_by("email")
    )
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    pagina = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(request, "utenti/staff_utenti.html", {"pagina": pagina, "q": q, "senza_valutazione": True})


@require_POST
@richiede(di_staff)
def chiudi_sessioni(request, pk: int):
    utente = get_object_or_404(get_user_model(), pk=pk)
    tranne = request.session.session_key if utente == request.user else None
    n = sessioni.chiudi_sessioni(utente, tranne=tranne)
    registra(
        EventoSicurezza.Tipo.SESSIONI_CHIUSE,
        request,
        utente,
        identificativo=utente.email,
        dettaglio=f"staff {request.user.pk}: {n}",
    )
    messages.success(request, _("Sessioni chiuse per %(email)s: %(n)d.") % {"email": utente.email, "n": n})
    return redirect("utenti:utenti")


@richiede(di_staff)
def sicurezza(request):
    qs = EventoSicurezza.objects.select_related("utente")
    tipo = request.GET.get("tipo", "")
    if tipo in EventoSicurezza.Tipo.values:
        qs = qs.filter(tipo=tipo)
    pagina = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(
        request,
        "utenti/staff_sicurezza.html",
        {"pagina": pagina, "tipi": EventoSicurezza.Tipo.choices, "tipo": tipo, "senza_valutazione": True},
    )


@richiede(di_staff)
def modifiche(request):
    from alternanza.utenti import storico

    try:
        numero = max(1, int(request.GET.get("pagina", "1")))
    except ValueError:
        numero = 1
    if numero > storico.PAGINE_MASSIME:
        raise Http404(
            _("Il registro delle modifiche arriva fino a pagina %(n)d.") % {"n": storico.PAGINE_MASSIME}
        )
    modello = request.GET.get("modello", "")
    righe, altre = storico.modifiche(modello or None, numero)
    altre = altre and numero < storico.PAGINE_MASSIME
    return render(
        request,
        "utenti/staff_modifiche.html",
        {
            "righe": righe,
            "pagina": numero,
            "altre": altre,
            "modelli": sorted(storico.modelli_tracciati()),
            "modello": modello,
            "senza_valutazione": True,
        },
    )
