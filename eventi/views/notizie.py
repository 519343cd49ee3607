"""News of the Festival and of the network: list, page, RSS and Atom feeds."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from alternanza.core.jsonld import script_jsonld
from alternanza.core.testo import testo_semplice
from eventi.cache import condizionale
from eventi.models import Notizia
from eventi.schema import AUTORE, dati_notizia

PER_PAGINA = 20


@condizionale
def notizie(request):
    pagina = Paginator(Notizia.objects.pubblicate().select_related("edizione"), PER_PAGINA).get_page(
        request.GET.get("pagina")
    )
    return render(request, "eventi/notizie.html", {"pagina": pagina})


@condizionale
def notizia(request, slug):
    notizia = get_object_or_404(Notizia.objects.pubblicate().select_related("edizione"), slug=slug)
    contesto = {
        "notizia": notizia,
        "ultimo_aggiornamento": notizia.aggiornata_il,
        "jsonld": script_jsonld(dati_notizia(notizia)),
    }
    return render(request, "eventi/notizia.html", contesto)


class FeedNotizie(Feed):
    title = _("Festival della Cultura tecnica e rete alternanza – notizie")
    link = reverse_lazy("eventi:notizie")
    description = _(
        "Le notizie del Festival della Cultura tecnica e della rete metropolitana per l'alternanza."
    )

    # RFC 4287 wants an atom:author for the feed (its entries inherit it).
    author_name = AUTORE["name"]
    author_link = settings.SITE_URL

    def items(self):
        return Notizia.objects.pubblicate()[:30]

    def item_title(self, item):
        return item.titolo

    def item_description(self, item):
        return item.sommario or testo_semplice(item.testo, 400)

    def item_pubdate(self, item):
        return item.data_pubblicazione

    def item_updateddate(self, item):
        return item.aggiornata_il

    def item_guid(self, item):
        return f"{settings.SITE_URL}{item.get_absolute_url()}"


class FeedNotizieAtom(FeedNotizie):
    feed_type = Atom1Feed
    subtitle = FeedNotizie.description


feed_rss = condizionale(FeedNotizie())
feed_atom = condizionale(FeedNotizieAtom())
