"""Public pages: the directory of organisations that agreed to be public, and published partnerships."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from distretti.models import Distretto
from distretti.permissions import ambito_di
from partnership.filters import DirectoryFilter, PartnershipFilter
from partnership.models import AreaS3, OffertaOspitalita, Organizzazione, Partnership
from partnership.querysets import organizzazioni_di
from partnership.views._comune import frammenti, pagina, pagina_pubblica


@pagina_pubblica
def organizzazioni(request):
    """The public directory (the section's landing page)."""
    filtro = DirectoryFilter(
        request.GET,
        queryset=Organizzazione.objects.pubbliche()
        .select_related("comune__distretto")
        .prefetch_related(Prefetch("aree_s3", queryset=AreaS3.objects.only("id", "nome")))
        .only(
            "nome",
            "slug",
            "tipo",
            "comune__nome",
            "comune__distretto__nome",
            "partner_istituzionale",
            "comune_esterno",
        )
        .order_by("-partner_istituzionale", "nome"),
    )
    parti = frammenti(
        request,
        "directory",
        {
            "filtro": ("partnership/_filtro.html", lambda: {"filtro": filtro}),
            "risultati": (
                "partnership/_directory_risultati.html",
                lambda: {"page_obj": pagina(request, filtro.qs)},
            ),
        },
        per_ambito=False,
    )
    ambito = ambito_di(request.user)
    return render(
        request,
        "partnership/organizzazioni.html",
        {
            "filtro_html": parti["filtro"],
            "risultati": parti["risultati"],
            "area_ufficio": ambito.staff or ambito.ufficio_distretto,
            "area_organizzazione": bool(organizzazioni_di(request.user)),
            "area_scuola": ambito.referente_scuola,
        },
    )


@pagina_pubblica
def organizzazione(request, slug):
    org = get_object_or_404(
        Organizzazione.objects.visibili_a(request.user).select_related("comune__distretto"), slug=slug
    )
    partnership = (
        Partnership.objects.visibili_a(request.user).filter(organizzazioni=org).only("titolo", "slug")
    )
    offerte = []
    if request.user.is_authenticated:
        offerte = OffertaOspitalita.objects.visibili_a(request.user).filter(organizzazione=org).attive()
    return render(
        request,
        "partnership/organizzazione.html",
        {
            "org": org,
            "aree": org.aree_s3.all(),
            "partnership_list": partnership,
            "offerte": offerte,
            "puo_modificare": Organizzazione.objects.modificabili_da(request.user).filter(pk=org.pk).exists(),
            "ultimo_aggiornamento": org.aggiornata_il,
        },
    )


@pagina_pubblica
def partnership_pubbliche(request):
    filtro = PartnershipFilter(
        request.GET,
        queryset=Partnership.objects.pubblicate()
        .prefetch_related(Prefetch("distretti", queryset=Distretto.objects.only("id", "nome")), "ambiti")
        .order_by("-data_inizio", "titolo"),
    )
    parti = frammenti(
        request,
        "partnership",
        {
            "filtro": ("partnership/_filtro.html", lambda: {"filtro": filtro}),
            "risultati": (
                "partnership/_partnership_risultati.html",
                lambda: {"page_obj": pagina(request, filtro.qs)},
            ),
        },
        per_ambito=False,
    )
    return render(
        request,
        "partnership/partnership_pubbliche.html",
        {"filtro_html": parti["filtro"], "risultati": parti["risultati"]},
    )


@pagina_pubblica
def partnership(request, slug):
    p = get_object_or_404(
        Partnership.objects.visibili_a(request.user).select_related(
            "promotore_scuola", "promotore_distretto", "promotore_organizzazione"
        ),
        slug=slug,
    )
    ambito = ambito_di(request.user)
    organizzazioni = p.organizzazioni.select_related("comune")
    if not (ambito.staff or ambito.ha_ruolo or organizzazioni_di(request.user)):
        # Visitors only see the organisations that agreed to be public.
        organizzazioni = organizzazioni.filter(pubblica=True)
    return render(
        request,
        "partnership/partnership.html",
        {
            "p": p,
            "scuole": p.scuole.select_related("comune"),
            "organizzazioni": organizzazioni,
            "distretti": p.distretti.all(),
            "ambiti": p.ambiti.all(),
            "puo_modificare": ambito.staff,
            "ultimo_aggiornamento": p.aggiornata_il,
        },
    )
