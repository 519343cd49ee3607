"""Management forms: staff manage organisations, agreements and partnerships; contacts edit their profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from alternanza.core import importazioni
from alternanza.core.archivi import risposta_file
from alternanza.core.utenti import richiede
from distretti.permissions import ambito_di, di_staff
from partnership.forms import (
    AccordoForm,
    DocumentiFormSet,
    ImportaOrganizzazioniForm,
    OrganizzazioneForm,
    PartnershipForm,
    ProfiloOrganizzazioneForm,
)
from partnership.models import Accordo, DocumentoAccordo, Organizzazione, Partnership


def _modulo(request, template_ctx: dict):
    template_ctx.setdefault("senza_valutazione", True)
    return render(request, "partnership/modulo.html", template_ctx)


def _modificabile(request, queryset_visibili, queryset_modificabili, **lookup):
    """The object if the user may edit it; 404 when out of scope, 403 when visible but read-only."""
    obj = get_object_or_404(queryset_visibili, **lookup)
    if not queryset_modificabili.filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


# --- Organisations --------------------------------------------------------------------------------


@richiede(di_staff)
def organizzazione_nuova(request):
    form = OrganizzazioneForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        org = form.save()
        messages.success(request, _("Organizzazione creata."))
        return redirect(org)
    return _modulo(request, {"form": form, "titolo": _("Nuova organizzazione")})


@login_required
def organizzazione_modifica(request, slug):
    org = _modificabile(
        request,
        Organizzazione.objects.visibili_a(request.user),
        Organizzazione.objects.modificabili_da(request.user),
        slug=slug,
    )
    classe = OrganizzazioneForm if ambito_di(request.user).staff else ProfiloOrganizzazioneForm
    form = classe(request.POST or None, request.FILES or None, instance=org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profilo aggiornato."))
        return redirect(org)
    return _modulo(
        request, {"form": form, "titolo": _("Modifica: %(nome)s") % {"nome": org.nome}, "oggetto": org}
    )


# --- Agreements -----------------------------------------------------------------------------------


@login_required
def accordo(request, pk):
    a = get_object_or_404(Accordo.objects.visibili_a(request.user), pk=pk)
    return render(
        request,
        "partnership/accordo.html",
        {
            "a": a,
            "organizzazioni": a.organizzazioni.all(),
            "distretti": a.distretti.all(),
            "scuole": a.scuole.all(),
            "documenti": a.documenti.all(),
            "puo_modificare": ambito_di(request.user).staff,
            "senza_valutazione": True,
        },
    )


@login_required
def documento_accordo(request, pk, documento):
    a = get_object_or_404(Accordo.objects.visibili_a(request.user), pk=pk)
    doc = get_object_or_404(DocumentoAccordo, accordo=a, pk=documento)
    return risposta_file(doc.file, doc.nome_file or "documento.pdf", tipo="application/pdf")


def _salva_accordo(request, istanza=None):
    form = AccordoForm(request.POST or None, instance=istanza, user=request.user)
    documenti = DocumentiFormSet(request.POST or None, request.FILES or None, instance=istanza or Accordo())
    if request.method == "POST" and form.is_valid() and documenti.is_valid():
        with transaction.atomic():
            a = form.save()
            documenti.instance = a
            documenti.save()
        messages.success(request, _("Accordo salvato."))
        return redirect(a)
    titolo = _("Modifica accordo") if istanza else _("Nuovo accordo")
    return _modulo(request, {"form": form, "formset": documenti, "titolo": titolo, "oggetto": istanza})


@richiede(di_staff)
def accordo_nuovo(request):
    return _salva_accordo(request)


@login_required
def accordo_modifica(request, pk):
    a = _modificabile(
        request,
        Accordo.objects.visibili_a(request.user),
        Accordo.objects.modificabili_da(request.user),
        pk=pk,
    )
    return _salva_accordo(request, a)


# --- Partnerships ---------------------------------------------------------------------------------


def _salva_partnership(request, istanza=None):
    form = PartnershipForm(request.POST or None, instance=istanza, user=request.user)
    if request.method == "POST" and form.is_valid():
        p = form.save()
        messages.success(request, _("Partnership salvata."))
        return redirect(p)
    titolo = _("Modifica partnership") if istanza else _("Nuova partnership")
    return _modulo(request, {"form": form, "titolo": titolo, "oggetto": istanza})


@richiede(di_staff)
def partnership_nuova(request):
    return _salva_partnership(request)


@login_required
def partnership_modifica(request, slug):
    p = _modificabile(
        request,
        Partnership.objects.visibili_a(request.user),
        Partnership.objects.modificabili_da(request.user),
        slug=slug,
    )
    return _salva_partnership(request, p)


# --- Import ---------------------------------------------------------------------------------------


@richiede(di_staff)
def importa(request):
    """Upload only: the import runs on a worker and its page follows it (alternanza.core.importazioni)."""
    form = ImportaOrganizzazioniForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        importazione = importazioni.richiedi(
            "organizzazioni",
            form.cleaned_data["file"],
            request.user,
            {"rigoroso": form.cleaned_data["rigoroso"]},
        )
        return redirect("area:importazione", pk=importazione.pk)
    recenti = importazioni.recenti("organizzazioni")
    return render(
        request, "partnership/importa.html", {"form": form, "recenti": recenti, "senza_valutazione": True}
    )
