"""GDPR pages: "I miei dati" (JSON download of everything about the user) and account deletion."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from alternanza.utenti import gdpr
from alternanza.utenti.forms import EliminaAccountForm
from alternanza.utenti.models import EventoSicurezza
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
