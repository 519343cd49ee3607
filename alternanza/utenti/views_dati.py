"""GDPR pages: "I miei dati" (JSON download of everything about the user) and account deletion."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alternanza.utenti import gdpr
from alternanza.utenti.forms import EliminaAccountForm
from alternanza.utenti.models import EventoSicurezza
from alternanza.utenti.preferenze import LinguaForm, imposta_lingua
from alternanza.utenti.sicurezza import registra


@login_required
def miei_dati(request):
    return render(request, "utenti/miei_dati.html", {"senza_valutazione": True})


@never_cache
@login_required
def esporta(request):
    dati = gdpr.esporta(request.user)
    risposta = HttpResponse(
        json.dumps(dati, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    nome = f"miei-dati-rete-alternanza-{timezone.localdate():%Y%m%d}.json"
    risposta["Content-Disposition"] = f'attachment; filename="{nome}"'
    return risposta


@login_required
def elimina(request):
    form = EliminaAccountForm(request.POST or None, utente=request.user)
    if request.method == "POST" and form.is_valid():
        utente = request.user
        registra(EventoSicurezza.Tipo.ACCOUNT_ELIMINATO, request, None, identificativo=f"id {utente.pk}")
        logout(request)
        gdpr.elimina(utente)
        messages.success(request, _("Il tuo account è stato eliminato."))
        return redirect("home")
    return render(request, "utenti/elimina_account.html", {"form": form, "senza_valutazione": True})


@require_POST
@login_required
def lingua(request):
    """The language of the person's e-mails (profile page); the profile reopens in that language."""
    form = LinguaForm(request.POST)
    if form.is_valid():
        scelta = form.cleaned_data["lingua"]
        imposta_lingua(request.user, scelta)
        with translation.override(scelta):
            messages.success(
                request,
                _("Lingua salvata: ti scriveremo in italiano.")
                if scelta == "it"
                else _("Lingua salvata: ti scriveremo in inglese."),
            )
            return redirect(translate_url(reverse("utenti:profilo"), scelta))
    messages.error(request, _("Scegli una delle lingue del portale."))
    return redirect("utenti:profilo")
