"""Proposals of events by school coordinators and organisation contacts; review by staff and offices."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distretti.permissions import ambito_di
from eventi import workflow
from eventi.date import FormDate
from eventi.forms import DecisioneForm, EventoForm, proponenti_di
from eventi.models import Evento, StatoEvento
from partnership.permissions import organizzazioni_di

DA_DECIDERE_MOSTRATI = 20
CON_PRENOTAZIONI_MOSTRATI = 20
# What the tables of the management page show (link, title, date, status): nothing else is read.
COLONNE_ELENCO = ("titolo", "slug", "inizio", "stato", "creato_il")


def _puo_proporre(user) -> bool:
    return ambito_di(user).staff or bool(proponenti_di(user))


def _evento_modificabile(request, pk) -> Evento:
    """404 outside the user's sight, 403 when visible but not editable."""
    evento = get_object_or_404(Evento.objects.visibili_a(request.user), pk=pk)
    if not Evento.objects.modificabili_da(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return evento


@login_required
def proponi(request):
    if not _puo_proporre(request.user):
        raise PermissionDenied
    form = EventoForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        evento = form.save()
        messages.success(request, _("Proposta inviata: lo staff o l'ufficio del distretto la esamineranno."))
        return redirect(evento)
    return render(
        request,
        "eventi/proposta.html",
        {"form": form, "senza_valutazione": True, "titolo": _("Proponi un evento")},
    )


@login_required
def modifica(request, pk):
    evento = _evento_modificabile(request, pk)
    form = EventoForm(request.POST or None, request.FILES or None, instance=evento, user=request.user)
    # An event with several dates edits them one by one; a single-date event uses start/end of the form.
    date = None if "inizio" in form.fields else FormDate(request.POST or None, instance=evento, prefix="date")
    if request.method == "POST" and form.is_valid() and (date is None or date.is_valid()):
        with transaction.atomic():
            form.save()
            if date is not None:
                date.save()
                evento.ricalcola_periodo()
        messages.success(request, _("Evento aggiornato."))
        return redirect(evento)
    contesto = {
        "form": form,
        "date": date,
        "evento": evento,
        "senza_valutazione": True,
        "titolo": _("Modifica l'evento"),
    }
    return render(request, "eventi/proposta.html", contesto)


@login_required
def gestione(request):
    """The user's proposals, and for staff and offices the events waiting for a decision."""
    user = request.user
    ambito = ambito_di(user)
    if not (ambito.staff or ambito.distretti_ufficio or _puo_proporre(user)):
        raise PermissionDenied
    stato = request.GET.get("stato", "")

    da_decidere = Evento.objects.approvabili_da(user).filter(
        stato__in=[StatoEvento.PROPOSTO, StatoEvento.APPROVATO]
    )
    propri = Evento.objects.modificabili_da(user).exclude(pk__in=da_decidere.values("pk"))
    if not (ambito.staff or ambito.distretti_ufficio):
        propri = Evento.objects.visibili_a(user).filter(
            Q(proposto_da=user)
            | Q(scuola_proponente__in=ambito.scuole)
            | Q(organizzazione_proponente__in=organizzazioni_di(user))
        )
    if stato in StatoEvento.values:
        propri = propri.filter(stato=stato)
    # the nearest first; the rest is reached with the status filter below
    in_attesa = (
        da_decidere.select_related("comune").only(*COLONNE_ELENCO, "comune__nome").order_by("inizio")
    )[:DA_DECIDERE_MOSTRATI]
    # Only the columns the table shows: an office sees thousands of events with long descriptions.
    pagina = Paginator(propri.only(*COLONNE_ELENCO).order_by("-creato_il", "-pk"), 20).get_page(
        request.GET.get("pagina")
    )
    contesto = {
        "da_decidere": in_attesa,
        "da_decidere_totale": da_decidere.count(),
        "pagina": pagina,
        "stati": StatoEvento.choices,
        "stato": stato,
        "puo_proporre": _puo_proporre(user),
        "senza_valutazione": True,
        # Events booked on the portal that the user organises: the way to their bookings.
        "con_prenotazioni": list(
            Evento.objects.organizzati_da(user)
            .filter(prenotazione=Evento.Prenotazione.PORTALE, fine__gte=timezone.now() - timedelta(days=30))
            .only("titolo", "inizio", "posti")
            # Places over all the dates (each date has the event's capacity).
            .annotate(occupati=Sum("date__posti_occupati", default=0), capienza=F("posti") * Count("date"))
            .order_by("inizio", "pk")[:CON_PRENOTAZIONI_MOSTRATI]
        ),
    }
    return render(request, "eventi/gestione.html", contesto)


@login_required
@require_POST
def decidi(request, pk):
    evento = get_object_or_404(Evento.objects.visibili_a(request.user), pk=pk)
    if not workflow.ruoli_su(request.user, evento):
        raise PermissionDenied
    form = DecisioneForm(request.POST)
    if form.is_valid():
        try:
            dati = form.cleaned_data
            workflow.esegui(evento, dati["azione"], request.user, nota=dati["motivo"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Stato dell'evento: %(stato)s.") % {"stato": evento.get_stato_display()}
            )
    else:
        messages.error(request, _("Decisione non valida."))
    return redirect(evento)
