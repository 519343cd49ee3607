"""Staff page to import the Ministry's school registry and its student numbers: upload, run the import
service, show the report."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from distretti.forms import ImportaScuoleForm
from distretti.importazione import FileNonValido
from distretti.importazione_studenti import importa_file
from distretti.permissions import ambito_di

logger = logging.getLogger(__name__)


@login_required
def importa(request):
    """Only metropolitan staff import the registry. The import of even a whole national file takes well
    under a second (only the metropolitan rows reach the database), so it runs in the request."""
    if not ambito_di(request.user).staff:
        raise PermissionDenied
    esito, rifiuto = None, ""
    studenti: list = []
    if request.method == "POST":
        form = ImportaScuoleForm(request.POST, request.FILES)
        if form.is_valid():
            files = [(f.name, f.read()) for f in form.cleaned_data["file"]]
            try:
                esito, studenti = importa_file(files, strict=form.cleaned_data["strict"])
            except FileNonValido as exc:
                rifiuto = str(exc)
            else:
                logger.info(
                    "Registry import by user %s: %s, student files %s",
                    request.user.pk,
                    esito.totali if esito else {},
                    [(s.nome, s.aggiornate, s.scritto) for s in studenti],
                )
    else:
        form = ImportaScuoleForm()
    return render(
        request,
        "distretti/importa.html",
        {
            "form": form,
            "esito": esito,
            "studenti": studenti,
            "rifiuto": rifiuto,
            "senza_valutazione": True,
        },
    )
