"""sitemap.xml (index + sections) and robots.txt of the whole portal (served at the root)."""

from __future__ import annotations

from functools import cache

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_page

from eventi.sitemaps import sezioni

DURATA_SITEMAP = 60 * 60


@cache
def _sezioni():
    return sezioni()


@cache_page(DURATA_SITEMAP)
def sitemap_indice(request):
    return sitemap_views.index(request, _sezioni(), sitemap_url_name="sitemap_sezione")


@cache_page(DURATA_SITEMAP)
def sitemap_sezione(request, section):
    return sitemap_views.sitemap(request, _sezioni(), section=section)


def robots(request):
    righe = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /account/",
        "Disallow: /en/account/",
        "Disallow: /festival/gestione/",
        "Disallow: /en/festival/gestione/",
        "Disallow: /festival/proponi/",
        "Disallow: /en/festival/proponi/",
        "Disallow: /i18n/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    risposta = HttpResponse("\n".join(righe), content_type="text/plain; charset=utf-8")
    risposta["Cache-Control"] = "public, max-age=86400"
    return risposta
