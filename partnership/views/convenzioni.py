"""Convenzioni between schools and host organisations: list, detail, files, upload and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.archivi import risposta_file
from distretti.permissions import ambito_di
from partnership import services
from partnership.forms import ConvenzioneForm, ProponiInlineForm
from partnership.models import Convenzione, Organizzazione
from partnership.querysets import FASCE_SCADENZA
from partnership.views._comune import pagina

FILE_CONVENZIONE = ("pdf_firmato", "dvr_allegato", "patto_formativo")


@login_required
def elenco(request):
    qs = Convenzione.objects.visibili_a(request.user).select_related("scuola", "organizzazione")
    stato = request.GET.get("stato")
    if stato == "scadute":
        qs = qs.scadute()
    elif stato == "in_scadenza":
        # The workspace's counters link to 30, 60 and 90 days (partnership.querysets.FASCE_SCADENZA).
        giorni = request.GET.get("giorni", "")
        qs = qs.in_scadenza(int(giorni) if giorni in {str(g) for g in FASCE_SCADENZA} else 30)
    elif stato == "valide":
        qs = qs.valide()
    ambito = ambito_di(request.user)
    return render(
        request,
        "partnership/convenzioni.html",
        {
            "page_obj": pagina(request, qs.order_by("scadenza")),
            "stato": stato or "",
            "oggi": timezone.localdate(),
            "puo_creare": ambito.staff or ambito.referente_scuola,
            "senza_valutazione": True,
        },
    )


@login_required
def dettaglio(request, pk):
    c = get_object_or_404(
        Convenzione.objects.visibili_a(request.user).select_related(
            "scuola__comune__distretto", "organizzazione"
        ),
        pk=pk,
    )
    return render(
        request,
        "partnership/convenzione.html",
        {
            "c": c,
            "puo_modificare": Convenzione.objects.modificabili_da(request.user).filter(pk=c.pk).exists(),
            "senza_valutazione": True,
        },
    )


@login_required
def file(request, pk, campo):
    if campo not in FILE_CONVENZIONE:
        raise Http404
    c = get_object_or_404(Convenzione.objects.visibili_a(request.user), pk=pk)
    allegato = getattr(c, campo)
    if not allegato:
        raise Http404
    nome = getattr(c, f"{campo}_nome") or f"{campo}.pdf"
    return risposta_file(allegato, nome, tipo="application/pdf")


def _iniziali(request) -> dict:
    """A new convenzione started from an accepted interest (?interesse=: the parties and the expiry) or
    from a just-proposed host (?organizzazione=)."""
    interesse = services.interesse_accettato(request.user, request.GET.get("interesse"))
    if interesse is not None:
        return {
            "scuola": interesse.scuola_id,
            "organizzazione": interesse.offerta.organizzazione_id,
            "scadenza": services.fine_anno_scolastico(interesse.offerta.data_fine),
            "note": _("Dall'offerta «%(titolo)s».") % {"titolo": interesse.offerta.titolo},
        }
    iniziali: dict = {}
    ambito = ambito_di(request.user)
    if len(ambito.scuole) == 1:
        iniziali["scuola"] = next(iter(ambito.scuole))
    org = request.GET.get("organizzazione", "")
    if org.isdigit() and Organizzazione.objects.sceglibili_da(request.user).filter(pk=int(org)).exists():
        iniziali["organizzazione"] = int(org)
    return iniziali


def _salva(request, istanza=None):
    ambito = ambito_di(request.user)
    scuole = None if ambito.staff else ambito.scuole
    form = ConvenzioneForm(
        request.POST or None,
        request.FILES or None,
        instance=istanza,
        initial=_iniziali(request) if istanza is None else None,
        scuole_ammesse=scuole,
        user=request.user,
    )
    # The host not found is proposed in the same form (coordinators only), used when the field is empty.
    proposta = ProponiInlineForm(request.POST or None, user=request.user) if ambito.scuole else None
    if proposta is not None and proposta.compilata:
        form.fields["organizzazione"].required = False
    if request.method == "POST" and form.is_valid() and (proposta is None or proposta.is_valid()):
        if proposta is not None and proposta.compilata and form.cleaned_data.get("organizzazione"):
            proposta.add_error(
                None,
                _(
                    "Hai già scelto un'organizzazione ospitante: svuota questi campi oppure il campo "
                    "«Organizzazione ospitante»."
                ),
            )
        else:
            try:
                with transaction.atomic():
                    c = form.save(commit=False)
                    ospite = services.proponi_dal_modulo(proposta, request.user, c.scuola)
                    if ospite is not None:
                        c.organizzazione = ospite
                    if istanza is not None and "scadenza" in form.changed_data:
                        c.promemoria_inviato_il = None  # a renewed convenzione gets a new reminder
                    c.save()
            except IntegrityError:
                if proposta is None or not proposta.compilata:
                    raise
                proposta.add_error("codice_fiscale", services.CF_GIA_USATO)
                if istanza is None:
                    form.instance.pk = None
            else:
                if ospite is not None:
                    messages.success(request, services.PROPOSTA_SALVATA % {"nome": ospite.nome})
                messages.success(request, _("Convenzione salvata."))
                return redirect(c)
    titolo = _("Modifica convenzione") if istanza else _("Nuova convenzione")
    return render(
        request,
        "partnership/modulo.html",
        {"form": form, "proposta": proposta, "titolo": titolo, "oggetto": istanza, "senza_valutazione": True},
    )


@login_required
def nuova(request):
    ambito = ambito_di(request.user)
    if not (ambito.staff or ambito.referente_scuola):
        raise PermissionDenied
    return _salva(request)


@login_required
def modifica(request, pk):
    c = get_object_or_404(Convenzione.objects.visibili_a(request.user), pk=pk)
    if not Convenzione.objects.modificabili_da(request.user).filter(pk=c.pk).exists():
        raise PermissionDenied
    return _salva(request, c)
