"""Public pages: the directory of organisations that agreed to be public, and published partnerships."""

from __future__ import annotations

from functools import wraps

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from alternanza.core.cache import pagina_pubblica_in_cache
from alternanza.core.sezioni import aree_di, sezioni_di
from distretti.models import Distretto
from distretti.permissions import ambito_di
from partnership.filters import DirectoryFilter, PartnershipFilter
from partnership.models import AreaS3, Convenzione, OffertaOspitalita, Organizzazione, Partnership
from partnership.querysets import organizzazioni_di
from partnership.signals import AREA
from partnership.views._comune import DURATA_PAGINE, pagina, pagina_pubblica


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
    ambito = ambito_di(request.user)
    return render(
        request,
        "partnership/organizzazioni.html",
        {
            "filtro": filtro,
            "page_obj": pagina(request, filtro.qs),
            "area_ufficio": ambito.staff or ambito.ufficio_distretto,
            "area_organizzazione": bool(organizzazioni_di(request.user)),
            "area_scuola": ambito.referente_scuola,
        },
    )


def _in_cache_con_le_sezioni(view):
    """The organisation's page is stale when the content of its sections changes (projects, events)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return pagina_pubblica_in_cache(AREA, *aree_di("organizzazione"), durata=DURATA_PAGINE)(view)(
            request, *args, **kwargs
        )

    return wrapper


@_in_cache_con_le_sezioni
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
            # The projects it hosted and its Festival events (registered by those apps).
            "sezioni": sezioni_di("organizzazione", request, org),
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
    return render(
        request,
        "partnership/partnership_pubbliche.html",
        {"filtro": filtro, "page_obj": pagina(request, filtro.qs)},
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
    scuole = list(p.scuole.select_related("comune"))
    organizzazioni = list(organizzazioni)
    return render(
        request,
        "partnership/partnership.html",
        {
            "p": p,
            "scuole": scuole,
            "organizzazioni": organizzazioni,
            "convenzioni": _convenzioni_della_partnership(request.user, scuole, organizzazioni),
            "distretti": p.distretti.all(),
            "ambiti": p.ambiti.all(),
            "puo_modificare": ambito.staff,
            "ultimo_aggiornamento": p.aggiornata_il,
        },
    )


def _convenzioni_della_partnership(user, scuole, organizzazioni) -> list[tuple]:
    """(school, organisation, latest convenzione or None) for the pairs this user may see: the expired
    or missing ones are flagged on the page. One query; nothing for visitors."""
    if not user.is_authenticated or not scuole or not organizzazioni:
        return []
    visibili = Convenzione.objects.visibili_a(user).filter(
        scuola__in=scuole, organizzazione__in=organizzazioni
    )
    ultime = {}
    for c in visibili.order_by("scadenza"):
        ultime[(c.scuola_id, c.organizzazione_id)] = c
    ambito = ambito_di(user)
    proprie = organizzazioni_di(user)
    return [
        (s, o, ultime.get((s.pk, o.pk)))
        for s in scuole
        for o in organizzazioni
        # the pairs the user has a say on: staff, the school's district office, the school, the organisation
        if ambito.staff
        or s.comune.distretto_id in ambito.distretti_ufficio
        or s.pk in ambito.scuole
        or o.pk in proprie
    ]
