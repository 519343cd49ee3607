"""The section "Eventi" of a district's public page (registered in EventiConfig.ready)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.sezioni import Sezione
from eventi.models import Evento

RIGHE = 5


def eventi_del_distretto(request, distretto) -> Sezione | None:
    """The next published events in the district (under way or to come): one query."""
    righe = list(
        Evento.objects.pubblicati()
        .del_distretto(distretto)
        .filter(fine__gte=timezone.now())
        .select_related("comune")
        .only("titolo", "slug", "tipo", "inizio", "fine", "luogo", "online", "comune__nome")
        .order_by("inizio", "pk")[:RIGHE]
    )
    if not righe:
        return None
    return Sezione(
        _("Prossimi eventi"),
        "eventi/_sezione_distretto.html",
        {
            "righe": righe,
            # The event list's filter takes the district's slug (eventi.filters.FiltroEventi); by default
            # the list starts today.
            "tutti": f"{reverse('eventi:elenco')}?{urlencode({'distretto': distretto.slug})}",
        },
        ordine=30,
    )


def _prossimi(qs):
    return list(
        qs.filter(fine__gte=timezone.now())
        .select_related("comune")
        .only("titolo", "slug", "tipo", "inizio", "fine", "luogo", "online", "comune__nome")
        .order_by("inizio", "pk")[:RIGHE]
    )


def eventi_della_scuola(request, scuola) -> Sezione | None:
    """The school's next Festival events (proposed by it, published): one query."""
    righe = _prossimi(Evento.objects.pubblicati().filter(scuola_proponente=scuola))
    if not righe:
        return None
    return Sezione(_("Eventi del Festival"), "eventi/_sezione_distretto.html", {"righe": righe}, ordine=20)


def eventi_dell_organizzazione(request, organizzazione) -> Sezione | None:
    """The next Festival events the organisation proposed or organises: one query."""
    righe = _prossimi(
        Evento.objects.pubblicati().filter(
            Q(organizzazione_proponente=organizzazione)
            | Q(
                pk__in=Evento.organizzazioni.through.objects.filter(organizzazione=organizzazione).values(
                    "evento"
                )
            )
        )
    )
    if not righe:
        return None
    return Sezione(_("Eventi del Festival"), "eventi/_sezione_distretto.html", {"righe": righe}, ordine=20)
