"""Public booking pages, without an account: book, confirm the address, see/change/cancel, accept an offer.

Every page after the form is reached by a signed link (eventi.prenotazioni.tokens); a bad or expired
link answers 404 with an explanation, never a 500. None of these pages is cached (they are personal).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from alternanza.core.scelta import risposta_json
from distretti.models import Scuola
from eventi.models import Evento
from eventi.prenotazioni import limiti, services, tokens
from eventi.prenotazioni.forms import SCUOLE_PUBBLICHE, ModificaPrenotazioneForm, PrenotazioneForm
from eventi.prenotazioni.models import Prenotazione, StatoPrenotazione
from eventi.prenotazioni.posta import url_mappa

S = StatoPrenotazione


def cerca_scuole(request):
    """The schools autocomplete of the booking form (the public school registry, no account needed)."""
    return risposta_json(request, SCUOLE_PUBBLICHE, Scuola.objects.all())


def _link_non_valido(request, scaduto: bool = False):
    return render(request, "eventi/prenotazioni/link_non_valido.html", {"scaduto": scaduto}, status=404)


@never_cache
def prenota(request, slug):
    evento = get_object_or_404(
        Evento.objects.pubblici().select_related("comune").prefetch_related("date"), slug=slug
    )
    if not evento.prenotabile_sul_portale:
        raise Http404
    aperte = evento.prenotazioni_aperte()
    form = PrenotazioneForm(request.POST or None, evento=evento)
    if request.method == "POST" and aperte and form.is_valid():
        email = form.cleaned_data["email"]
        if not limiti.consenti_ip(limiti.ip_di(request)) or not limiti.consenti_email(email):
            form.add_error(None, _("Troppe richieste in poco tempo: riprova tra un'ora."))
        else:
            try:
                services.richiedi(evento, form.dati_prenotazione(), get_language() or "it")
            except services.GiaPrenotato as exc:
                form.add_error("email", exc)
            except services.PrenotazioneRifiutata as exc:
                form.add_error(None, exc)
            else:
                return render(
                    request, "eventi/prenotazioni/controlla_posta.html", {"evento": evento, "email": email}
                )
    contesto = {
        "evento": evento,
        "form": form,
        "aperte": aperte,
        "date_prenotabili": evento.date_prenotabili(),
        "senza_valutazione": True,
    }
    return render(request, "eventi/prenotazioni/prenota.html", contesto)


def _da_token(token: str, lettore) -> Prenotazione:
    chiave = lettore(token)
    try:
        return Prenotazione.objects.select_related("evento__comune", "data", "scuola").get(chiave=chiave)
    except Prenotazione.DoesNotExist as exc:
        raise tokens.TokenNonValido from exc


@never_cache
def conferma(request, token):
    """GET shows a button, POST confirms: mail scanners that open links do not confirm anything."""
    try:
        p = _da_token(token, tokens.chiave_da_conferma)
    except tokens.TokenScaduto:
        return _link_non_valido(request, scaduto=True)
    except tokens.TokenNonValido:
        return _link_non_valido(request)
    if request.method == "POST" and p.stato == S.DA_CONFERMARE:
        services.conferma(p.pk)
        return redirect("eventi:prenotazione", token=tokens.token_personale(p))
    if p.stato != S.DA_CONFERMARE:
        return redirect("eventi:prenotazione", token=tokens.token_personale(p))
    return render(request, "eventi/prenotazioni/conferma.html", {"prenotazione": p, "evento": p.evento})


@never_cache
def prenotazione(request, token):
    """The booking seen through its personal link: its state, change, cancel, accept an offer."""
    try:
        p = _da_token(token, tokens.chiave_da_personale)
    except tokens.TokenNonValido:
        return _link_non_valido(request)
    form = None
    if p.stato in (S.DA_CONFERMARE, S.CONFERMATA, S.IN_ATTESA):
        form = ModificaPrenotazioneForm(
            request.POST if request.POST.get("azione") == "modifica" else None, prenotazione=p
        )
    if request.method == "POST":
        azione = request.POST.get("azione")
        indietro = HttpResponseRedirect(request.path)
        try:
            if azione == "annulla":
                services.annulla(p.pk)
                messages.success(request, _("Prenotazione annullata. Grazie di averci avvisato."))
                return indietro
            if azione == "accetta":
                services.accetta_offerta(p.pk)
                messages.success(request, _("Posti confermati: ti abbiamo inviato la conferma per e-mail."))
                return indietro
            if azione == "modifica" and form is not None and form.is_valid():
                d = form.cleaned_data
                services.modifica(
                    p.pk,
                    studenti=d.get("studenti") or 0,
                    accompagnatori=d.get("accompagnatori") or 0,
                    posti=d["posti"],
                    telefono=d.get("telefono", ""),
                )
                messages.success(request, _("Prenotazione aggiornata."))
                return indietro
        except services.PrenotazioneRifiutata as exc:
            if form is not None and azione == "modifica":
                form.add_error(None, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return indietro
    contesto = {
        "prenotazione": p,
        "evento": p.evento,
        "form": form,
        "url_mappa": url_mappa(p.evento),
        "url_ics": reverse("eventi:evento_ics", kwargs={"slug": p.evento.slug}),
        "senza_valutazione": True,
    }
    return render(request, "eventi/prenotazioni/prenotazione.html", contesto)
