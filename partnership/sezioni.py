"""The section "Partnership" of a district's public page (registered in PartnershipConfig.ready)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from alternanza.core.sezioni import Sezione
from partnership.models import Partnership

RIGHE = 5


def partnership_del_distretto(request, distretto) -> Sezione | None:
    """The latest published partnerships involving the district: one query, whatever their number."""
    righe = list(
        Partnership.objects.pubblicate()
        .filter(
            pk__in=Partnership.distretti.through.objects.filter(distretto=distretto).values("partnership")
        )
        .only("titolo", "slug", "livello", "stato", "data_inizio", "data_fine")
        .order_by(F("data_inizio").desc(nulls_last=True), "titolo", "pk")[:RIGHE]
    )
    if not righe:
        return None
    return Sezione(
        _("Partnership"),
        "partnership/_sezione_distretto.html",
        {
            "righe": righe,
            # The public list's filter takes the district's id (partnership.filters.PartnershipFilter).
            "tutte": reverse("partnership:partnership_pubbliche")
            + "?"
            + urlencode({"distretto": distretto.pk}),
        },
        ordine=10,
    )


def partnership_della_scuola(request, scuola) -> Sezione | None:
    """The published partnerships the school takes part in: one query."""
    righe = list(
        Partnership.objects.pubblicate()
        .filter(pk__in=Partnership.scuole.through.objects.filter(scuola=scuola).values("partnership"))
        .only("titolo", "slug", "livello", "stato", "data_inizio", "data_fine")
        .order_by(F("data_inizio").desc(nulls_last=True), "titolo", "pk")[:RIGHE]
    )
    if not righe:
        return None
    return Sezione(_("Partnership"), "partnership/_sezione_distretto.html", {"righe": righe}, ordine=30)
