"""The workspace: one page with a section for each role the user holds (alternanza.area.riquadri)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from alternanza.area import riquadri


@login_required
def home(request):
    return render(
        request,
        "area/home.html",
        {**riquadri.per_utente(request.user), "senza_valutazione": True},
    )
