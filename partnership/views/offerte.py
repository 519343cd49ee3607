"""Offers of placements: schools search them and express interest; organisation contacts manage them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import FloatField, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distretti.models import Livello, Scuola
from distretti.permissions import ambito_di
from partnership import services
from partnership.distanze import distanza_da
from partnership.filters import OffertaFilter
from partnership.forms import DecisioneInteresseForm, InteresseForm, OffertaForm
from partnership.models import InteresseOfferta, OffertaOspitalita, Organizzazione
from partnership.permissions import organizzazioni_modificabili_da
from partnership.querysets import organizzazioni_di
from partnership.validatori import sezioni_ateco
from partnership.views._comune import pagina


def _vede_offerte(user) -> bool:
    ambito = ambito_di(user)
    return ambito.staff or ambito.ha_ruolo or bool(organizzazioni_di(user))


@login_required
def elenco(request):
    if not _vede_offerte(request.user):
        raise PermissionDenied

    ambito = ambito_di(request.user)
    # Distance from the coordinator's school (the first, for one with several); 0 for everyone else.
    origine = (
        Scuola.objects.filter(pk__in=ambito.scuole)
        .order_by("pk")
        .values_list("comune__codice_istat", flat=True)
        .first()
        if ambito.scuole
        else None
    )
    qs = (
        OffertaOspitalita.objects.visibili_a(request.user)
        .attive()
        .con_posti_residui()
        .annotate(distanza=distanza_da(origine) if origine else Value(0.0, output_field=FloatField()))
        .select_related("organizzazione", "comune", "area_s3")
        .order_by(*(("distanza",) if origine else ()), "data_inizio", "titolo")
    )
    dati = request.GET
    if origine and "ordina" not in dati:
        dati = dati.copy()
        dati["ordina"] = "distanza"
    filtro = OffertaFilter(dati, queryset=qs)
    return render(
        request,
        "partnership/offerte.html",
        {
            "filtro": filtro,
            "page_obj": pagina(request, filtro.qs),
            "puo_creare": ambito.staff or bool(organizzazioni_di(request.user)),
            "con_distanza": bool(origine),
            "senza_valutazione": True,
        },
    )


@login_required
def dettaglio(request, pk):
    """The offer; a school coordinator expresses interest here (POST), the organisation answers below."""
    offerta = get_object_or_404(
        OffertaOspitalita.objects.visibili_a(request.user)
        .con_posti_residui()
        .select_related("organizzazione", "comune", "area_s3"),
        pk=pk,
    )
    ambito = ambito_di(request.user)
    scuole = Scuola.objects.filter(pk__in=ambito.scuole)
    form = None
    chiusa = ""
    try:
        services.verifica_aperta(offerta)
    except services.OffertaChiusa as exc:
        chiusa = str(exc)
    if ambito.scuole:
        form = InteresseForm(request.POST or None, scuole=scuole)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            interesse = form.save(commit=False)
            interesse.offerta = offerta
            interesse.utente = request.user
            try:
                services.manifesta_interesse(interesse)
            except services.OffertaChiusa as exc:
                messages.error(request, str(exc))
            except IntegrityError:
                messages.info(request, _("La scuola ha già manifestato interesse per questa offerta."))
            else:
                messages.success(
                    request, _("Interesse inviato: l'organizzazione riceve un'e-mail e ti risponderà qui.")
                )
            return redirect(offerta)
    modificabile = OffertaOspitalita.objects.modificabili_da(request.user).filter(pk=offerta.pk).exists()
    interessi = (
        list(
            InteresseOfferta.objects.visibili_a(request.user)
            .filter(offerta=offerta)
            .select_related("scuola__comune", "utente")
        )
        if (modificabile or ambito.scuole or ambito.staff or ambito.ufficio_distretto)
        else []
    )
    return render(
        request,
        "partnership/offerta.html",
        {
            "offerta": offerta,
            "form": form if not chiusa else None,
            "chiusa": chiusa,
            "interessi": interessi,
            "proprie_scuole": ambito.scuole,
            "puo_modificare": modificabile,
            "decisione": DecisioneInteresseForm() if modificabile else None,
            "livelli": [Livello(v).label for v in offerta.livelli if v in Livello.values],
            "settore": dict(sezioni_ateco()).get(offerta.sezione_ateco, ""),
            "senza_valutazione": True,
        },
    )


@require_POST
@login_required
def decidi(request, pk, interesse, decisione):
    """The organisation accepts or declines an expression of interest, with a note for the school."""
    if decisione not in ("accetta", "rifiuta"):
        raise Http404
    offerta = get_object_or_404(OffertaOspitalita.objects.visibili_a(request.user), pk=pk)
    if not OffertaOspitalita.objects.modificabili_da(request.user).filter(pk=offerta.pk).exists():
        raise PermissionDenied
    riga = get_object_or_404(InteresseOfferta.objects.filter(offerta=offerta), pk=interesse)
    form = DecisioneInteresseForm(request.POST)
    nota = form.cleaned_data["nota"] if form.is_valid() else ""
    try:
        services.decidi_interesse(riga.pk, decisione == "accetta", nota, request.user)
    except services.OffertaChiusa as exc:
        messages.error(request, str(exc))
    else:
        if decisione == "accetta":
            messages.success(request, _("Interesse accettato: la scuola riceve un'e-mail."))
        else:
            messages.success(request, _("Interesse non accolto: la scuola riceve un'e-mail con la nota."))
    return redirect(reverse("partnership:offerta", kwargs={"pk": offerta.pk}) + "#interessi")


def _salva(request, istanza=None):
    organizzazioni = organizzazioni_modificabili_da(request.user).order_by("nome")
    form = OffertaForm(
        request.POST or None,
        instance=istanza,
        organizzazioni=organizzazioni,
        tutte=ambito_di(request.user).staff,
    )
    if request.method == "POST" and form.is_valid():
        offerta = form.save()
        messages.success(request, _("Offerta salvata."))
        return redirect(offerta)
    titolo = _("Modifica offerta") if istanza else _("Nuova offerta di ospitalità")
    return render(
        request,
        "partnership/modulo.html",
        {"form": form, "titolo": titolo, "oggetto": istanza, "senza_valutazione": True},
    )


@login_required
def nuova(request):
    if not (ambito_di(request.user).staff or organizzazioni_di(request.user)):
        raise PermissionDenied
    return _salva(request)


@login_required
def modifica(request, pk):
    offerta = get_object_or_404(OffertaOspitalita.objects.visibili_a(request.user), pk=pk)
    if not OffertaOspitalita.objects.modificabili_da(request.user).filter(pk=offerta.pk).exists():
        raise PermissionDenied
    return _salva(request, offerta)


@login_required
def mia_organizzazione(request):
    """The organisation contact's page: their organisations, offers and the interests received."""
    proprie = organizzazioni_di(request.user)
    if not proprie:
        raise PermissionDenied
    return render(
        request,
        "partnership/mia_organizzazione.html",
        {
            "organizzazioni": Organizzazione.objects.filter(pk__in=proprie),
            "offerte": OffertaOspitalita.objects.filter(organizzazione__in=proprie).select_related(
                "organizzazione"
            ),
            "interessi": InteresseOfferta.objects.filter(offerta__organizzazione__in=proprie).select_related(
                "offerta", "scuola__comune", "utente"
            ),
            "senza_valutazione": True,
        },
    )
