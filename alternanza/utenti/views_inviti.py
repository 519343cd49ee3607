"""Invitations: staff send them, the invited person accepts through the signed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alternanza.core.utenti import richiede
from alternanza.utenti import inviti
from alternanza.utenti.forms import AccettaInvitoForm, InvitoForm
from alternanza.utenti.models import Invito
from distretti.permissions import di_staff

BACKEND_ALLAUTH = "allauth.account.auth_backends.AuthenticationBackend"


@richiede(di_staff)
def elenco(request):
    form = InvitoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dati = form.cleaned_data
        invito = inviti.crea_e_invia(
            request.user,
            dati["email"],
            dati["ruolo"],
            scuola=dati.get("scuola_trovata"),
            distretto=dati.get("distretto"),
            organizzazione=dati.get("organizzazione_trovata"),
        )
        messages.success(request, _("Invito inviato a %(email)s.") % {"email": invito.email})
        return redirect("utenti:inviti")
    recenti = Invito.objects.select_related("scuola", "distretto", "organizzazione", "utente")[:50]
    return render(request, "utenti/inviti.html", {"form": form, "inviti": recenti, "senza_valutazione": True})


def _non_valido(request, messaggio, stato):
    return render(
        request,
        "utenti/invito_non_valido.html",
        {"messaggio": messaggio, "senza_valutazione": True, "contatti": settings.PORTALE["email_contatti"]},
        status=stato,
    )


def accetta(request, token: str):
    try:
        invito = inviti.invito_da_token(token)
    except inviti.InvitoNonValido as exc:
        return _non_valido(request, str(exc), exc.stato)
    esistente = inviti.utente_esistente(invito)
    if esistente is not None:
        # The address already has an account: the role goes to it, once its owner is logged in.
        if not request.user.is_authenticated:
            messages.info(
                request, _("Hai già un account con questo indirizzo: accedi per accettare l'invito.")
            )
            return redirect_to_login(request.get_full_path())
        if request.user != esistente:
            return _non_valido(
                request, _("Questo invito è per un altro indirizzo e-mail: esci e accedi con quello."), 403
            )
        if request.method == "POST":
            inviti.accetta(invito, request.user)
            messages.success(request, _("Invito accettato: il ruolo è attivo."))
            return redirect("utenti:profilo")
        return render(
            request,
            "utenti/accetta_invito.html",
            {"invito": invito, "descrizione": inviti.descrivi(invito), "senza_valutazione": True},
        )
    if request.user.is_authenticated:
        return _non_valido(
            request, _("Questo invito è per un altro indirizzo e-mail: esci e riapri il link."), 403
        )
    form = AccettaInvitoForm(request.POST or None, email=invito.email)
    if request.method == "POST" and form.is_valid():
        try:
            utente = inviti.crea_account(request, invito, form)
        except inviti.InvitoNonValido as exc:
            return _non_valido(request, str(exc), exc.stato)
        login(request, utente, backend=BACKEND_ALLAUTH)
        messages.success(request, _("Benvenuto nella rete: il tuo account e il tuo ruolo sono attivi."))
        return redirect("utenti:profilo")
    return render(
        request,
        "utenti/accetta_invito.html",
        {"invito": invito, "descrizione": inviti.descrivi(invito), "form": form, "senza_valutazione": True},
    )
