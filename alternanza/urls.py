"""Root URL configuration. Each app owns its urls module; public pages are translated (i18n_patterns)."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from alternanza.pagine import errori, salute
from eventi.newsletter.urls import one_click_urlpatterns
from eventi.views import seo

# The admin login goes through allauth's login (rate limits, MFA) instead of Django's own form.
# allauth documents this wrapping of the bound method; the stubs see any assignment to a method as an error.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# A 500 caused by an unreachable database is answered as what it is: 503 with Retry-After.
handler500 = "alternanza.pagine.errori.errore_server"
# A 403 always says why and what to do next (alternanza.pagine.errori).
handler403 = errori.accesso_negato

urlpatterns = [
    path("healthz", salute.healthz, name="healthz"),
    path("metriche", salute.metriche, name="metriche"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Whole-portal sitemap and robots.txt (owned by eventi, the top layer: it may list every app's pages).
    path("robots.txt", seo.robots, name="robots"),
    path("sitemap.xml", seo.sitemap_indice, name="sitemap"),
    path("sitemap-<str:section>.xml", seo.sitemap_sezione, name="sitemap_sezione"),
    # RFC 8058 one-click unsubscribe: a fixed URL in the e-mail headers, outside the language prefixes.
    *one_click_urlpatterns,
    # SPID/CIE (alternanza.spid): fixed addresses registered with AgID; 404 unless SPID is configured.
    path("spid/", include("alternanza.spid.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("alternanza.pagine.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("area-riservata/", include("alternanza.area.urls")),
    path("account/", include("alternanza.utenti.urls")),
    path("account/", include("allauth.urls")),
    path("territorio/", include("distretti.urls")),
    path("rete/", include("partnership.urls")),
    path("progetti/", include("alternanza.progetti.urls")),
    path("festival/", include("eventi.urls")),
    path("report/", include("alternanza.report.urls")),
    path("newsletter/", include("eventi.newsletter.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
