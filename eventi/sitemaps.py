"""The portal's sitemap.xml: one section per kind of public page, in Italian and English.

Registry: SEZIONI maps a section name to a Sitemap class (territory, Festival, public organisations,
published partnerships, showcased projects). eventi is the top layer, so it may import
the lower apps' sitemaps: an app adds its public pages by defining `SITEMAPS = {"name": SitemapClass}`
in its own `<app>/sitemaps.py` (e.g. partnership/sitemaps.py, alternanza/sitemaps.py); they are merged
here automatically. No other wiring is needed.
"""

from __future__ import annotations

import importlib

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from distretti.models import Distretto, Scuola
from eventi.models import Edizione, Evento, Notizia


class SitemapBase(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 5000  # URLs per page (each appears in two languages)


class PagineSitemap(SitemapBase):
    """Landing pages of the portal (only those whose URL exists)."""

    changefreq = "weekly"
    priority = 0.8
    NOMI = [
        "home",
        "distretti:elenco",
        "partnership:organizzazioni",
        "progetti:vetrina",
        "eventi:festival",
        "eventi:elenco",
        "eventi:calendario",
        "eventi:archivio",
        "eventi:notizie",
        "privacy",
        "accessibilita",
        "note_legali",
        "contatti",
    ]

    def items(self):
        voci = []
        for nome in self.NOMI:
            try:
                reverse(nome)
            except NoReverseMatch:
                continue
            voci.append(nome)
        return voci

    def location(self, item):
        return reverse(item)


class DistrettiSitemap(SitemapBase):
    changefreq = "monthly"

    def items(self):
        return Distretto.objects.order_by("pk")

    def lastmod(self, item):
        return item.aggiornato_il


class ScuoleSitemap(SitemapBase):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return (
            Scuola.objects.filter(attiva=True).order_by("pk").only("codice_meccanografico", "aggiornato_il")
        )

    def lastmod(self, item):
        return item.aggiornato_il


class EdizioniSitemap(SitemapBase):
    changefreq = "weekly"

    def items(self):
        return Edizione.objects.filter(stato=Edizione.Stato.PUBBLICATA).order_by("anno")

    def lastmod(self, item):
        return item.aggiornata_il


class EventiSitemap(SitemapBase):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Evento.objects.pubblici().order_by("pk").only("slug", "aggiornato_il")

    def lastmod(self, item):
        return item.aggiornato_il


class NotizieSitemap(SitemapBase):
    changefreq = "monthly"

    def items(self):
        return Notizia.objects.pubblicate().order_by("pk").only("slug", "aggiornata_il")

    def lastmod(self, item):
        return item.aggiornata_il


class OrganizzazioniSitemap(SitemapBase):
    """Organisations that agreed to appear in the public directory."""

    changefreq = "monthly"
    priority = 0.4

    def items(self):
        from partnership.models import Organizzazione

        return Organizzazione.objects.pubbliche().order_by("pk").only("slug", "aggiornata_il")

    def lastmod(self, item):
        return item.aggiornata_il


class PartnershipSitemap(SitemapBase):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        from partnership.models import Partnership

        return Partnership.objects.pubblicate().order_by("pk").only("slug", "aggiornata_il")

    def lastmod(self, item):
        return item.aggiornata_il


class ProgettiSitemap(SitemapBase):
    """Published projects whose school consented to the showcase."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        from alternanza.progetti.models import Progetto

        return Progetto.objects.pubblicati().order_by("pk").only("pk", "aggiornato_il")

    def lastmod(self, item):
        return item.aggiornato_il


SEZIONI: dict[str, type[Sitemap]] = {
    "pagine": PagineSitemap,
    "distretti": DistrettiSitemap,
    "scuole": ScuoleSitemap,
    "festival": EdizioniSitemap,
    "eventi": EventiSitemap,
    "notizie": NotizieSitemap,
    "organizzazioni": OrganizzazioniSitemap,
    "partnership": PartnershipSitemap,
    "progetti": ProgettiSitemap,
}

# Lower apps that may publish a `sitemaps.SITEMAPS` dict of their own.
APP_CON_SITEMAP = ["distretti", "partnership", "alternanza"]


def sezioni() -> dict[str, type[Sitemap]]:
    """All sections: this module's and those registered by the lower apps."""
    tutte = dict(SEZIONI)
    for app in APP_CON_SITEMAP:
        try:
            modulo = importlib.import_module(f"{app}.sitemaps")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.sitemaps":
                raise
            continue
        tutte.update(getattr(modulo, "SITEMAPS", {}))
    return tutte
