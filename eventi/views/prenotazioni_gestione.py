"""The organisers' side of bookings: the list and waiting list of an event, exports, message, check-in.

Organisers are the proposer (user, school or organisation), the district office of the event's district
and staff: Evento.objects.organizzati_da(user) is the one rule; a visible event outside it answers 403,
an invisible one 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from eventi.models import Evento
from eventi.prenotazioni import services, tokens
from eventi.prenotazioni.forms import MessaggioForm
from eventi.prenotazioni.models import ATTIVE, Prenotazione, StatoPrenotazione
from partnership.esportazioni import Colonna, csv_response, xlsx_response

S = StatoPrenotazione


def get_evento_organizzato(request, pk) -> Evento:
    """The event if the user organises it; 404 if they cannot see it, 403 if they only see it."""
    evento = get_object_or_404(Evento.objects.visibili_a(request.user).select_related("comune"), pk=pk)
    if not Evento.objects.organizzati_da(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return evento


def _elenco(evento: Evento):
    return evento.prenotazioni.select_related("scuola", "data").order_by(
        "data__inizio", "confermata_il", "creata_il", "pk"
    )


@login_required
@never_cache
def prenotazioni(request, pk):
    evento = get_evento_organizzato(request, pk)
    righe = list(_elenco(evento).filter(stato__in=ATTIVE))
    # Each date has its own places and waiting list (eventi.prenotazioni.models).
    date = list(
        evento.date.annotate(
            in_attesa=Sum("prenotazioni__posti", filter=Q(prenotazioni__stato=S.IN_ATTESA), default=0)
        ).order_by("inizio", "pk")
    )
    attesa = [p for p in righe if p.stato == S.IN_ATTESA]
    totali = evento.prenotazioni.aggregate(
        confermate=Count("pk", filter=Q(stato=S.CONFERMATA)),
        posti_confermati=Sum("posti", filter=Q(stato=S.CONFERMATA), default=0),
        presenti=Sum("posti", filter=Q(stato=S.CONFERMATA, ingresso_il__isnull=False), default=0),
        in_attesa=Sum("posti", filter=Q(stato=S.IN_ATTESA), default=0),
    )
    contesto = {
        "evento": evento,
        "prenotate": [p for p in righe if p.stato in (S.CONFERMATA, S.OFFERTA)],
        "attesa": attesa,
        "date": date,
        "attesa_per_data": [(d, [p for p in attesa if p.data_id == d.pk]) for d in date],
        "da_confermare": sum(1 for p in righe if p.stato == S.DA_CONFERMARE),
        "totali": totali,
        "messaggi": list(evento.messaggi_prenotati.all()[:5]),
        "form_messaggio": MessaggioForm(),
        "senza_valutazione": True,
    }
    return render(request, "eventi/prenotazioni/gestione.html", contesto)


def _data(valore) -> str:
    return formats.date_format(timezone.localtime(valore), "SHORT_DATETIME_FORMAT") if valore else ""


def colonne() -> list[Colonna]:
    """The columns of the exports, in the language of the request."""
    return [
        (_("Data"), lambda p: _data(p.data.inizio)),
        (_("Stato"), lambda p: p.get_stato_display()),
        (_("Nome"), lambda p: p.nome),
        (_("E-mail"), lambda p: p.email),
        (_("Telefono"), lambda p: p.telefono),
        (_("Scuola"), lambda p: p.scuola.denominazione if p.scuola_id else ""),
        (_("Codice scuola"), lambda p: p.scuola.codice_meccanografico if p.scuola_id else ""),
        (_("Classe"), lambda p: p.classe),
        (_("Studenti"), lambda p: p.studenti),
        (_("Adulti"), lambda p: p.accompagnatori if p.di_classe else p.posti),
        (_("Posti"), lambda p: p.posti),
        (_("Confermata il"), lambda p: _data(p.confermata_il)),
        (_("Ingresso"), lambda p: _data(p.ingresso_il)),
    ]


def _da_esportare(evento: Evento):
    return _elenco(evento).filter(stato__in=(S.CONFERMATA, S.OFFERTA, S.IN_ATTESA))


@login_required
def esporta_csv(request, pk):
    evento = get_evento_organizzato(request, pk)
    return csv_response(_da_esportare(evento), colonne(), f"prenotazioni-{evento.slug[:60]}")


@login_required
def esporta_xlsx(request, pk):
    evento = get_evento_organizzato(request, pk)
    return xlsx_response(
        _da_esportare(evento), colonne(), f"prenotazioni-{evento.slug[:60]}", _("Prenotazioni")
    )


@login_required
@require_POST
def messaggio(request, pk):
    evento = get_evento_organizzato(request, pk)
    form = MessaggioForm(request.POST)
    if form.is_valid():
        services.accoda_messaggio(
            evento, form.cleaned_data["oggetto"], form.cleaned_data["testo"], request.user
        )
        messages.success(request, _("Messaggio in coda: parte a tutte le prenotazioni confermate."))
        return redirect("eventi:prenotazioni", pk=evento.pk)
    contesto = {
        "evento": evento,
        "form_messaggio": form,
        "senza_valutazione": True,
    }
    return render(request, "eventi/prenotazioni/messaggio.html", contesto, status=200)


@login_required
@never_cache
def ingresso(request, token):
    """The check-in page the QR code opens (made for a phone at the door)."""
    try:
        chiave = tokens.chiave_da_ingresso(token)
    except tokens.TokenNonValido:
        return render(request, "eventi/prenotazioni/link_non_valido.html", {}, status=404)
    p = get_object_or_404(Prenotazione.objects.select_related("evento", "data", "scuola"), chiave=chiave)
    get_evento_organizzato(request, p.evento_id)
    appena = False
    if request.method == "POST":
        try:
            p, appena = services.registra_ingresso(p.pk)
        except services.PrenotazioneRifiutata as exc:
            messages.error(request, " ".join(exc.messages))
    contesto = {"prenotazione": p, "evento": p.evento, "appena": appena, "senza_valutazione": True}
    return render(request, "eventi/prenotazioni/ingresso.html", contesto)
