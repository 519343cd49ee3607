"""The section "Progetti" of a district's public page (registered in AlternanzaConfig.ready)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alternanza.core.sezioni import Sezione
from alternanza.progetti.models import Progetto, ProgettoOrganizzazione

RIGHE = 5


def progetti_del_distretto(request, distretto) -> Sezione | None:
    """The latest projects of the district in the public showcase: one query, whatever their number."""
    righe = list(
        Progetto.objects.pubblicati()
        .del_distretto(distretto)
        .select_related("scuola__comune")
        .only(
            "titolo",
            "anno_scolastico",
            "pubblicato_il",
            "scuola__denominazione",
            "scuola__comune__nome",
        )
        # The showcase's own order, served by its partial index on published projects.
        .order_by("-pubblicato_il", "-id")[:RIGHE]
    )
    if not righe:
        return None
    return Sezione(
        _("Progetti"),
        "progetti/_sezione_distretto.html",
        {
            "righe": righe,
            # The showcase's filter takes the district's slug (alternanza.progetti.filters.ProgettoFilter).
            "tutti": f"{reverse('progetti:vetrina')}?{urlencode({'distretto': distretto.slug})}",
        },
        ordine=20,
    )


def _righe(qs):
    return list(
        qs.select_related("scuola__comune")
        .only("titolo", "anno_scolastico", "pubblicato_il", "scuola__denominazione", "scuola__comune__nome")
        .order_by("-pubblicato_il", "-id")[:RIGHE]
    )


def progetti_della_scuola(request, scuola) -> Sezione | None:
    """The school's latest projects in the public showcase: one query."""
    righe = _righe(Progetto.objects.pubblicati().filter(scuola=scuola))
    if not righe:
        return None
    return Sezione(
        _("Progetti pubblicati"),
        "progetti/_sezione_distretto.html",
        {"righe": righe, "tutti": f"{reverse('progetti:vetrina')}?{urlencode({'q': scuola.denominazione})}"},
        ordine=10,
    )


def progetti_dell_organizzazione(request, organizzazione) -> Sezione | None:
    """The published projects the organisation took part in (hosted or co-designed): one query."""
    righe = _righe(
        Progetto.objects.pubblicati().filter(
            pk__in=ProgettoOrganizzazione.objects.filter(organizzazione=organizzazione).values("progetto")
        )
    )
    if not righe:
        return None
    return Sezione(_("Progetti ospitati"), "progetti/_sezione_distretto.html", {"righe": righe}, ordine=10)
