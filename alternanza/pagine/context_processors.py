from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from alternanza.pagine.models import ValutazionePagina

# Main sections of the portal: (URL name, label). A section whose app has not published its URL yet is
# left out of the menu instead of breaking every page.
SEZIONI = [
    ("home", _("La rete")),
    ("distretti:elenco", _("Distretti e scuole")),
    ("partnership:organizzazioni", _("Partner e partnership")),
    ("progetti:vetrina", _("Esperienze delle scuole")),
    ("eventi:festival", _("Festival della Cultura tecnica")),
]


def _sezioni(request):
    voci = []
    for nome, etichetta in SEZIONI:
        try:
            url = reverse(nome)
        except NoReverseMatch:
            continue
        attiva = request.path == url if nome == "home" else request.path.startswith(url)
        voci.append({"url": url, "etichetta": etichetta, "attiva": attiva})
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        url = reverse("area:home")
        voci.append({"url": url, "etichetta": _("Area riservata"), "attiva": request.path.startswith(url)})
    return voci


def portale(request):
    """Portal-wide facts every template may show (name, owning body, licence, main menu)."""
    return {
        "PORTALE": settings.PORTALE,
        "SEZIONI": _sezioni(request),
        "VOTI_VALUTAZIONE": ValutazionePagina.Voto.choices,
    }
